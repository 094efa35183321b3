#!/usr/bin/env bash
# Makes editors/screenshot.png: a policy highlighted by the TextMate grammar in
# editors/vscode, through VS Code's own tokenizer (vscode-textmate from npm), rendered by
# headless Chromium. Needs node, npm and Debian's `chromium`.
#   scripts/render-editor-screenshot.sh [POLICY] [FIRST_LINE] [LAST_LINE]
set -euo pipefail
cd "$(dirname "$0")/.."
policy="${1:-policies/telecom-account-manager.policy}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund vscode-textmate@9 vscode-oniguruma@2 >/dev/null)
NODE_PATH="$work/node_modules" node editors/highlight.js "$policy" "${2:-23}" "${3:-58}" > "$work/page.html"
scripts/render-svg.sh "$work/page.html" "$PWD/editors/screenshot.png" 820x700
