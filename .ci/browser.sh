#!/usr/bin/env bash
# The web app in a real browser: installs Debian's chromium and chromium-driver and the Python packages selenium and
# axe-selenium-python (PyPI), then runs Tests/Browser/web_suite.py against a `qualify serve` it starts with demo data.
# Screenshots of every page at 1280 and 390 px land in .build/screenshots/. Expects the debug build from `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! python3 -c "import selenium, axe_selenium_python" >/dev/null 2>&1; then
  python3 -m pip install -q selenium axe-selenium-python >/dev/null 2>&1 \
    || python3 -m pip install -q --break-system-packages selenium axe-selenium-python >/dev/null
fi
bin=.build/debug/qualify
[ -x "$bin" ] || swift build --product qualify
echo "browser suite: $(chromium --version 2>/dev/null | head -n 1)"
python3 Tests/Browser/web_suite.py --qualify "$bin" --shots .build/screenshots
