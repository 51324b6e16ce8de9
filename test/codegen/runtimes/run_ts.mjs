// Runs generated TypeScript: each file is transpiled with the project's TypeScript (types
// stripped; the harness type-checks them separately) and its function called.
// Usage: node run_ts.mjs MANIFEST.json > RESULTS.json
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const plain = (x) => {
  if (typeof x === "number") return x;
  const rows = [];
  for (let i = 0; i < x.rows; i++) rows.push(Array.from(x.data.slice(i * x.cols, (i + 1) * x.cols)));
  return rows;
};

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = [];
for (const c of cases) {
  try {
    const js = ts.transpileModule(readFileSync(c.file, "utf8"), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    const out = c.file.replace(/\.ts$/, ".mjs");
    writeFileSync(out, js);
    const mod = await import(pathToFileURL(out).href);
    const r = mod[c.fn](...c.args);
    results.push({ ok: true, outputs: r.map(plain) });
  } catch (e) {
    results.push({ ok: false, error: String(e && e.stack ? e.stack : e) });
  }
}
process.stdout.write(JSON.stringify(results));
