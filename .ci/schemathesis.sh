#!/usr/bin/env bash
# Runs schemathesis (PyPI) against the OpenAPI spec on a started `qualify serve`: fails on any server error, any
# status code, content type, header or body the spec does not declare, any request outside the schema that is
# accepted (negative_data_rejection), a wrong Allow header, a missing or ignored key. Every check but one: a request
# the schema allows may still be refused, with 400/422 naming the field, where the rule is beyond what a schema says
# (an address's syntax by RFC 5321, a cursor this server gave, a model's YAML, a webhook URL's network) — so
# positive_data_acceptance is left out. Expects the debug build from `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/qualify
[ -x "$bin" ] || swift build --product qualify
if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check schemathesis >/dev/null
fi
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
db="$work/st.sqlite"
key=$("$bin" keys create --role admin --name schemathesis --database "$db" 2>/dev/null)
"$bin" demo --leads 200 --seed 7 --out "$work/demo" >/dev/null 2>&1 || true
if [ -f "$work/demo/leads.csv" ]; then
  "$bin" import leads "$work/demo/leads.csv" --database "$db" >/dev/null 2>&1 || true
  "$bin" import events "$work/demo/events.csv" --database "$db" >/dev/null 2>&1 || true
fi
"$bin" serve --port 0 --database "$db" >"$work/serve.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "qualify serve did not start"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log"; echo "qualify serve printed no port"; exit 1; }
echo "schemathesis against qualify serve on port $port"
schemathesis run Sources/QualifyServer/openapi.yaml --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $key" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${QUALIFY_SCHEMATHESIS_EXAMPLES:-50}" --seed 1 --no-color 2>&1 | tail -n 40
status=${PIPESTATUS[0]}
kill -TERM "$server"
if ! wait "$server"; then echo "qualify serve did not stop cleanly on SIGTERM"; cat "$work/serve.log" | tail -n 20; exit 1; fi
server=""
exit "$status"
