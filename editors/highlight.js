// Highlights a .policy file with the TextMate grammar in vscode/syntaxes, through the same
// engine VS Code uses (vscode-textmate + vscode-oniguruma), and writes an HTML page with VS
// Code's Light+ colours. Used by scripts/render-editor-screenshot.sh; needs both packages:
//   npm install vscode-textmate vscode-oniguruma
//   node editors/highlight.js policies/telecom-account-manager.policy > page.html
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = path.join(__dirname, 'vscode', 'syntaxes', 'policy.tmLanguage.json');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;

// Scope prefix -> colour, most specific first (VS Code Light+).
const THEME = [
  ['keyword.other.attribute', '#af00db'],
  ['constant.other.lint-code', '#af00db'],
  ['comment', '#008000'],
  ['string', '#a31515'],
  ['constant.character.escape', '#ee0000'],
  ['entity.name.function', '#795e26'],
  ['support.function', '#795e26'],
  ['constant.numeric', '#098658'],
  ['constant.other.period', '#098658'],
  ['support.constant.currency', '#267f99'],
  ['variable.other.column', '#001080'],
  ['keyword.operator.word', '#0000ff'],
  ['keyword.operator', '#000000'],
  ['keyword', '#af00db'],
  ['storage.type', '#0000ff'],
  ['constant.language', '#0000ff'],
];

function colour(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    for (const [prefix, c] of THEME) {
      if (scopes[i].startsWith(prefix)) return c;
    }
  }
  return '#1f1f1f';
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  const grammar = await registry.loadGrammar('source.policy');
  const [file, from = '1', to = '9999'] = process.argv.slice(2);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let state = vsctm.INITIAL;
  let html = '';
  lines.forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    if (n + 1 < +from || n + 1 > +to) return;
    let out = `<span class="ln">${n + 1}</span>`;
    for (const t of r.tokens) {
      const text = line.substring(t.startIndex, t.endIndex);
      out += `<span style="color:${colour(t.scopes)}">${esc(text)}</span>`;
    }
    html += out + '\n';
  });
  process.stdout.write(`<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#fff}
.tab{font:13px sans-serif;background:#f3f3f3;padding:6px 14px;border-bottom:1px solid #ddd;color:#333}
pre{margin:0;padding:10px 0;font:14px/1.5 'DejaVu Sans Mono','Noto Sans Mono CJK SC',monospace}
.ln{display:inline-block;width:3em;padding-right:1.2em;text-align:right;color:#999}
</style><div class="tab">${esc(path.basename(file))} — highlighted by editors/vscode/syntaxes/policy.tmLanguage.json</div><pre>${html}</pre>`);
}
main().catch((e) => { console.error(e); process.exit(1); });
