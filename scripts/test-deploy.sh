#!/usr/bin/env bash
# Exercises docs/deploy as far as a machine without a running systemd allows:
#   1. docs/deploy/install.sh into a temporary DESTDIR (it publishes the host), and the staged tree:
#      files, modes, units identical to docs/deploy;
#   2. a second install (--from the first, --prefix moved) keeps an edited configuration and
#      points the units at the new prefix;
#   3. the staged program started with the unit's own ExecStart line (paths moved into the stage)
#      and the staged configuration: it serves runtime.ping and control.status and stops with exit 0
#      on SIGTERM;
#   4. systemd-analyze verify on the three units and systemd-analyze security on the service
#      (exposure at most 1.0), where systemd-analyze is installed; otherwise the reason it was
#      skipped is printed.
# Prints "deploy: ok" at the end; exits 1 naming the first check that failed.
set -euo pipefail
cd "$(dirname "$0")/.."

stage=$(mktemp -d /tmp/opsclaw-deploy.XXXXXX)
host_pid=""
cleanup() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -KILL "$host_pid" 2>/dev/null || true
  fi
  rm -rf "$stage"
}
trap cleanup EXIT

fail() {
  echo "deploy: FAILED: $*" >&2
  exit 1
}

root="$stage/root"
echo "== install.sh --destdir $root"
bash docs/deploy/install.sh --destdir "$root" >"$stage/install.log" 2>&1 || { cat "$stage/install.log"; fail "install.sh exited $?"; }

mode() { stat -c %a "$1"; }
[ -x "$root/opt/opsclaw/opsclaw" ] || fail "no executable $root/opt/opsclaw/opsclaw"
[ -f "$root/opt/opsclaw/opsclaw.dll" ] || fail "the framework-dependent layout has no opsclaw.dll"
[ "$(mode "$root/opt/opsclaw/opsclaw")" = 755 ] || fail "opsclaw is mode $(mode "$root/opt/opsclaw/opsclaw"), not 755"
[ "$(mode "$root/etc/opsclaw/opsclaw.conf")" = 644 ] || fail "opsclaw.conf is mode $(mode "$root/etc/opsclaw/opsclaw.conf"), not 644"
cmp -s docs/deploy/opsclaw.conf "$root/etc/opsclaw/opsclaw.conf" || fail "opsclaw.conf is not the template"
[ "$(readlink "$root/usr/local/bin/opsclaw")" = /opt/opsclaw/opsclaw ] || fail "usr/local/bin/opsclaw does not link to /opt/opsclaw/opsclaw"
cmp -s docs/deploy/opsclaw.sysusers "$root/etc/sysusers.d/opsclaw.conf" || fail "sysusers.d/opsclaw.conf is not docs/deploy/opsclaw.sysusers"
for unit in opsclaw.service opsclaw-runtime.socket opsclaw-control.socket; do
  cmp -s "docs/deploy/$unit" "$root/etc/systemd/system/$unit" || fail "$unit differs from docs/deploy/$unit"
  [ "$(mode "$root/etc/systemd/system/$unit")" = 644 ] || fail "$unit is not mode 644"
done
grep -q "systemd-sysusers /etc/sysusers.d/opsclaw.conf" "$stage/install.log" || fail "a staged install should say which steps it left to the target"
echo "staged: program, command link, 3 units, sysusers.d, configuration"

echo "== again, --from the staged program and --prefix /usr/local/opsclaw, over an edited configuration"
moved="$stage/moved"
mkdir -p "$moved/etc/opsclaw"
printf '# edited by hand\nopsclaw.ipc.request-timeout = 10s\n' >"$moved/etc/opsclaw/opsclaw.conf"
bash docs/deploy/install.sh --destdir "$moved" --from "$root/opt/opsclaw" --prefix /usr/local/opsclaw >"$stage/install2.log" 2>&1 \
  || { cat "$stage/install2.log"; fail "the second install.sh exited $?"; }
grep -q "edited by hand" "$moved/etc/opsclaw/opsclaw.conf" || fail "an existing opsclaw.conf was overwritten"
grep -q "^ExecStart=/usr/local/opsclaw/opsclaw ipc serve-sockets" "$moved/etc/systemd/system/opsclaw.service" || fail "ExecStart does not follow --prefix"
[ -x "$moved/usr/local/opsclaw/opsclaw" ] || fail "--from did not install the program under --prefix"
echo "kept the edited configuration; units point at /usr/local/opsclaw"

echo "== the unit's ExecStart, run from the stage"
exec_start=$(sed -n 's/^ExecStart=//p' "$root/etc/systemd/system/opsclaw.service")
exec_start=${exec_start//\/opt\/opsclaw/$root/opt/opsclaw}
exec_start=${exec_start//\/etc\/opsclaw/$root/etc/opsclaw}
exec_start=${exec_start//\/run\/opsclaw/$stage/run}
echo "$exec_start"
# shellcheck disable=SC2086 # the unit's command line, split into words as systemd splits it
$exec_start >"$stage/host.out" 2>"$stage/host.err" &
host_pid=$!
for _ in $(seq 60); do
  grep -q "^opsclaw ipc ready " "$stage/host.out" && break
  kill -0 "$host_pid" 2>/dev/null || { cat "$stage/host.err"; fail "the host exited before it was ready"; }
  sleep 0.5
done
grep -q "^opsclaw ipc ready runtime=$stage/run/runtime.sock control=$stage/run/control.sock$" "$stage/host.out" \
  || { cat "$stage/host.out" "$stage/host.err"; fail "no ready line naming the sockets within 30 s"; }
opsclaw="$root/opt/opsclaw/opsclaw"
"$opsclaw" ipc send --socket "$stage/run/runtime.sock" --type runtime.ping | grep -q '"message_type":"runtime.pong"' || fail "runtime.ping was not answered"
"$opsclaw" ipc status --dir "$stage/run" | grep -q "pid $host_pid" || fail "control.status did not name the host's pid"
kill -TERM "$host_pid"
status=0
wait "$host_pid" || status=$?
host_pid=""
[ "$status" -eq 0 ] || { cat "$stage/host.err"; fail "the host exited $status after SIGTERM"; }
echo "served runtime.ping and control.status; exit 0 on SIGTERM"

echo "== systemd-analyze"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "skipped: systemd-analyze is not installed here (Debian package systemd); the units were not verified"
else
  # The units as installed, but with the program's path in the stage: verify checks that ExecStart is executable.
  verify="$stage/verify"
  mkdir -p "$verify"
  for unit in opsclaw.service opsclaw-runtime.socket opsclaw-control.socket; do
    sed "s|/opt/opsclaw/|$root/opt/opsclaw/|g" "$root/etc/systemd/system/$unit" >"$verify/$unit"
  done
  systemd-analyze verify --system --man=no "$verify/opsclaw.service" "$verify/opsclaw-runtime.socket" "$verify/opsclaw-control.socket" \
    >"$stage/verify.log" 2>&1 || { cat "$stage/verify.log"; fail "systemd-analyze verify found problems"; }
  [ ! -s "$stage/verify.log" ] || { cat "$stage/verify.log"; fail "systemd-analyze verify printed warnings"; }
  echo "verify: the three units load with no warning ($(systemd-analyze --version | head -1))"
  if systemd-analyze security --help 2>/dev/null | grep -q -- "--offline"; then
    systemd-analyze security --offline=true --threshold=10 --no-pager "$verify/opsclaw.service" >"$stage/security.log" 2>&1 \
      || { grep -E "✗|Overall" "$stage/security.log"; fail "systemd-analyze security: the service's exposure is above 1.0"; }
    tail -1 "$stage/security.log"
  else
    echo "skipped systemd-analyze security: this systemd has no --offline"
  fi
fi

echo "deploy: ok"
