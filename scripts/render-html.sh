#!/usr/bin/env bash
# Renders HTML files in headless Chromium to PNG (desktop and phone widths) and to an A4 PDF,
# so that reports can be looked at as a person would. The images are for looking at, not
# for git: write them outside the repository (default /tmp/commission-render).
#   apt-get install -y chromium fonts-noto-cjk     # once
#   bash scripts/render-html.sh FILE.html... [-o OUT_DIR]
set -euo pipefail
out=/tmp/commission-render
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
mkdir -p "$out"
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "chromium not found: apt-get install -y chromium fonts-noto-cjk" >&2; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars)
for f in "${files[@]}"; do
  name=$(basename "${f%.*}")
  url="file://$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
  profile=$(mktemp -d)
  "$chrome" "${flags[@]}" --user-data-dir="$profile" --window-size=1280,1400 --screenshot="$out/$name-desktop.png" "$url" 2>/dev/null
  "$chrome" "${flags[@]}" --user-data-dir="$profile" --window-size=390,1600 --screenshot="$out/$name-phone.png" "$url" 2>/dev/null
  "$chrome" "${flags[@]}" --user-data-dir="$profile" --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "$url" 2>/dev/null
  rm -rf "$profile"
  echo "$out/$name-desktop.png $out/$name-phone.png $out/$name.pdf"
done
