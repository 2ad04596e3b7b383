#!/usr/bin/env bash
# Regenerates the committed contract files from the C# types:
#   docs/schema/opsclaw-ipc.v1alpha1.schema.json   by `opsclaw schema` (NJsonSchema)
#   packages/sdk/src/generated/types.ts            by json-schema-to-typescript, from that schema
# CI runs it and fails when either file differs from the committed one (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

schema=docs/schema/opsclaw-ipc.v1alpha1.schema.json
types=packages/sdk/src/generated/types.ts
host=OpsClaw.Host/bin/Release/net10.0/opsclaw

# Incremental, so cheap after scripts/test.sh's own build; it makes the script work on a fresh clone too.
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! dotnet build OpsClaw.Host/OpsClaw.Host.csproj -c Release -nologo -v quiet > "$build_log" 2>&1; then
  cat "$build_log"
  echo "generate-types: building the opsclaw host failed" >&2
  exit 1
fi
mkdir -p "$(dirname "$schema")" "$(dirname "$types")"
"$host" schema --output "$schema"

cd packages/sdk
if [ ! -x node_modules/.bin/json2ts ]; then
  npm ci --no-audit --no-fund > /dev/null
fi
node_modules/.bin/json2ts \
  --input "../../$schema" \
  --output "${types#packages/sdk/}" \
  --unknownAny \
  --additionalProperties=false \
  --bannerComment "/* Generated from $schema by scripts/generate-types.sh. Do not edit: change the C# contract types and run the script. */"
echo "wrote $schema and $types"
