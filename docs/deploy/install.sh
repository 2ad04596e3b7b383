#!/usr/bin/env bash
# Installs OpsClaw as a systemd service: publishes the host to /opt/opsclaw, installs the units,
# the accounts (sysusers.d) and /etc/opsclaw/opsclaw.conf, then creates the accounts and reloads
# systemd. With --destdir it only stages the files under that directory (for a package or to
# look first) and touches neither accounts nor systemd. docs/deploy/README.md walks through it.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: docs/deploy/install.sh [options]

  --destdir DIR       stage everything under DIR instead of / (also $DESTDIR); no accounts are
                      created and systemd is not touched
  --prefix DIR        where the program goes (default /opt/opsclaw)
  --layout KIND       framework-dependent (default: needs the .NET 10 runtime on the machine) or
                      single-file (one self-contained executable, no runtime needed)
  --from DIR          install the program from DIR, an existing 'dotnet publish' output of
                      OpsClaw.Host, instead of publishing it now
  --bin-dir DIR       where the 'opsclaw' command is linked, so it is on PATH (default
                      /usr/local/bin; '' for no link)
  --unit-dir DIR      where the systemd units go (default /etc/systemd/system)
  --sysusers-dir DIR  where the sysusers.d file goes (default /etc/sysusers.d)
  -h, --help          this text
EOF
}

fail() {
  echo "install.sh: $*" >&2
  exit 2
}

repo=$(cd "$(dirname "$0")/../.." && pwd)
deploy="$repo/docs/deploy"
destdir=${DESTDIR:-}
prefix=/opt/opsclaw
layout=framework-dependent
from=""
bin_dir=/usr/local/bin
unit_dir=/etc/systemd/system
sysusers_dir=/etc/sysusers.d
config_dir=/etc/opsclaw

while [ $# -gt 0 ]; do
  case "$1" in
    --destdir) destdir=${2:?--destdir needs a directory}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --layout) layout=${2:?--layout needs framework-dependent or single-file}; shift 2 ;;
    --from) from=${2:?--from needs a directory}; shift 2 ;;
    --bin-dir) bin_dir=${2?--bin-dir needs a directory}; shift 2 ;;
    --unit-dir) unit_dir=${2:?--unit-dir needs a directory}; shift 2 ;;
    --sysusers-dir) sysusers_dir=${2:?--sysusers-dir needs a directory}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument '$1'" ;;
  esac
done

case "$layout" in
  framework-dependent|single-file) ;;
  *) fail "--layout must be framework-dependent or single-file, not '$layout'" ;;
esac
case "$prefix" in
  /*) ;;
  *) fail "--prefix must be an absolute path, not '$prefix'" ;;
esac
if [ -n "$destdir" ]; then
  mkdir -p "$destdir"
  destdir=$(cd "$destdir" && pwd)
elif [ "$(id -u)" -ne 0 ]; then
  fail "installing into / needs root (run it with sudo), or stage it with --destdir DIR"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The program.
if [ -n "$from" ]; then
  [ -x "$from/opsclaw" ] || fail "--from $from holds no opsclaw executable"
  stage=$from
else
  command -v dotnet >/dev/null 2>&1 || fail "dotnet is not installed; install the .NET 10 SDK to publish, or pass --from DIR"
  stage="$work/publish"
  publish=(dotnet publish "$repo/OpsClaw.Host/OpsClaw.Host.csproj" -c Release -o "$stage" -nologo -v quiet)
  if [ "$layout" = single-file ]; then
    case "$(uname -m)" in
      x86_64) rid=linux-x64 ;;
      aarch64) rid=linux-arm64 ;;
      *) fail "no .NET runtime identifier known for $(uname -m); publish it yourself and pass --from" ;;
    esac
    publish+=(-r "$rid" --self-contained true -p:PublishSingleFile=true)
  fi
  echo "== publishing OpsClaw.Host ($layout)"
  "${publish[@]}" >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; fail "dotnet publish failed"; }
fi

target="$destdir$prefix"
echo "== program: $target"
mkdir -p "$(dirname "$target")"
rm -rf "$target.new"
cp -R "$stage" "$target.new"
chmod -R u=rwX,go=rX "$target.new"
chmod 0755 "$target.new/opsclaw"
install -m 0644 "$deploy/README.md" "$target.new/DEPLOY.md"
[ -n "$destdir" ] || chown -R root:root "$target.new"
# Swapped in by rename: a running host keeps the files it has open, and a failed copy leaves the old program.
if [ -d "$target" ]; then
  rm -rf "$target.old"
  mv "$target" "$target.old"
  mv "$target.new" "$target"
  rm -rf "$target.old"
else
  mv "$target.new" "$target"
fi

if [ -n "$bin_dir" ]; then
  # The program finds its files next to where the link points (the apphost resolves /proc/self/exe).
  echo "== command: $destdir$bin_dir/opsclaw -> $prefix/opsclaw"
  mkdir -p "$destdir$bin_dir"
  ln -sfn "$prefix/opsclaw" "$destdir$bin_dir/opsclaw"
fi

# 2. Units, accounts, configuration.
echo "== systemd units: $destdir$unit_dir"
mkdir -p "$destdir$unit_dir"
for unit in opsclaw.service opsclaw-runtime.socket opsclaw-control.socket; do
  sed "s|/opt/opsclaw/|$prefix/|g" "$deploy/$unit" >"$work/$unit"
  install -m 0644 "$work/$unit" "$destdir$unit_dir/$unit"
done

echo "== accounts (sysusers.d): $destdir$sysusers_dir/opsclaw.conf"
mkdir -p "$destdir$sysusers_dir"
install -m 0644 "$deploy/opsclaw.sysusers" "$destdir$sysusers_dir/opsclaw.conf"

config="$destdir$config_dir/opsclaw.conf"
mkdir -p "$destdir$config_dir"
chmod 0755 "$destdir$config_dir"
if [ -e "$config" ]; then
  echo "== configuration: kept $config (the template is $deploy/opsclaw.conf)"
else
  echo "== configuration: $config (from the commented template)"
  install -m 0644 "$deploy/opsclaw.conf" "$config"
fi

# 3. Can the service start the program? It gets no DOTNET_ROOT and, with ProtectHome=yes, no /root or /home.
if [ "$layout" = framework-dependent ] && ! env -i PATH=/usr/bin:/bin "$target/opsclaw" --help >/dev/null 2>&1; then
  echo "warning: $target/opsclaw does not start without DOTNET_ROOT: the service would not find the .NET runtime." >&2
  echo "         Install the runtime system-wide (e.g. apt-get install dotnet-runtime-10.0), or use --layout single-file." >&2
fi
runtime_root=$(dirname "$(readlink -f "$(command -v dotnet 2>/dev/null || echo /nonexistent/dotnet)")")
case "$layout:$runtime_root" in
  framework-dependent:/root/*|framework-dependent:/home/*)
    echo "warning: the .NET runtime is under $runtime_root, which ProtectHome=yes hides from the service; use --layout single-file." >&2 ;;
esac

if [ -n "$destdir" ]; then
  cat <<EOF

Staged under $destdir. Not done (they act on this machine, not the staged tree):
  systemd-sysusers $sysusers_dir/opsclaw.conf    create user opsclaw and group opsclaw-clients
  systemctl daemon-reload
EOF
  exit 0
fi

# 4. Accounts and systemd, on this machine.
if command -v systemd-sysusers >/dev/null 2>&1; then
  systemd-sysusers "$sysusers_dir/opsclaw.conf"
else
  getent group opsclaw-clients >/dev/null || groupadd --system opsclaw-clients
  getent passwd opsclaw >/dev/null || useradd --system --user-group --home-dir /var/lib/opsclaw --no-create-home \
    --shell /usr/sbin/nologin --comment "OpsClaw IPC host" opsclaw
fi
echo "== accounts: user $(id -un opsclaw) ($(id -u opsclaw)), group opsclaw-clients ($(getent group opsclaw-clients | cut -d: -f3))"

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "== systemctl daemon-reload: done"
else
  echo "== systemd is not running here: run 'systemctl daemon-reload' where it does"
fi

cat <<EOF

Installed. Start it, either binding its own sockets:
  systemctl enable --now opsclaw.service
or started by systemd on the first connection (socket activation):
  systemctl enable --now opsclaw-runtime.socket opsclaw-control.socket
Let a user connect to /run/opsclaw/runtime.sock (from their next login):
  usermod -aG opsclaw-clients USER
Check it (docs/deploy/README.md, "Check that it works"):
  systemctl status opsclaw.service
  opsclaw ipc send --socket /run/opsclaw/runtime.sock --type runtime.ping
  opsclaw ipc status --dir /run/opsclaw
EOF
