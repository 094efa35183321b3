#!/usr/bin/env bash
# Renders an SVG (or HTML) file to a PNG with headless Chromium, to look at a chart the way a
# browser shows it. Needs Debian's `chromium` (apt-get install -y chromium).
#   scripts/render-svg.sh chart.svg /tmp/chart.png [WIDTHxHEIGHT]
set -euo pipefail
in="$(realpath "$1")"
out="$(realpath -m "${2:-/tmp/$(basename "${1%.*}").png}")"
size="${3:-1000x700}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --screenshot="$out" --window-size="${size/x/,}" "file://$in" >/dev/null 2>&1
echo "$out"
