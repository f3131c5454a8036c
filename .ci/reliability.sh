#!/usr/bin/env bash
# The reliability suite (reliability/README.md): fault injection against real `qualify serve` processes — PostgreSQL
# stopped hard, a full disk, an import beside the server, a YAML alias bomb, idle sockets, late events, formulas in
# CSV exports, kill -9. Expects the debug build from `swift test` (or $QUALIFY_BIN); starts its own throwaway
# PostgreSQL servers. One line per scenario; exit status 1 when one failed. A limit of its own
# (QUALIFY_RELIABILITY_SECONDS, default 420) turns a hang into a red run; the suite cleans up on that SIGTERM too.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${QUALIFY_BIN:-.build/debug/qualify}
[ -x "$bin" ] || { echo "no qualify binary at $bin: build it first (swift build), or set QUALIFY_BIN"; exit 1; }
status=0
timeout -k 30 "${QUALIFY_RELIABILITY_SECONDS:-420}" python3 reliability/suite.py --bin "$bin" "$@" </dev/null || status=$?
[ "$status" -eq 124 ] && echo "the reliability suite did not finish in ${QUALIFY_RELIABILITY_SECONDS:-420} s"
exit "$status"
