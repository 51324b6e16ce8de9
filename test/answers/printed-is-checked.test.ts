// What is printed is what is checked (issue: "Never a wrong formula on screen"): every answer of
// every query in examples/ and in the shared corpus reads back from its plain text as the very
// same node, and that node, read back, agrees with finite differences.
import { readdirSync, readFileSync } from "node:fs";
import katex from "katex";
import { describe, expect, it } from "vitest";
import { answerQuery, expandDefinitions, problemFromParts, problemFromText, type QueryAnswer } from "../../src/engine.js";
import { Rereader } from "../../src/answer/reread.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import type { Problem } from "../../src/parse/resolve.js";
import { printExpr } from "../../src/print/index.js";
import type { QueryKind } from "../../src/parse/surface.js";

const EXAMPLES = new URL("../../examples/", import.meta.url);
const CORPUS = new URL("../../../shared/corpus/gradients.json", import.meta.url);

/** Read every answer back with a fresh reader, and check the node read back numerically. */
function expectPrintedIsChecked(problem: Problem, a: QueryAnswer, what: string): void {
  const values = a.results.flatMap((r) => [r.value, ...(r.gradientDifferential ? [r.gradientDifferential] : [])]);
  const reader = new Rereader(problem, a.definitions, values);
  for (const v of values) expect(reader.reread(v), `${what}: ${printExpr(v, "plain")}`).toBe(v);
  for (const [name, body] of a.definitions) expect(reader.definitions.find(([n]) => n === name)?.[1]).toBe(body);
  // every LaTeX output, engine definitions included, renders
  for (const e of [...values, ...a.definitions.map(([, b]) => b)]) katex.renderToString(printExpr(e, "latex"), { throwOnError: true, displayMode: true });
  const check = a.check!;
  expect(check.inconclusive, `${what}: no point judged`).toBe(false);
  expect(check.maxRelError, `${what}: ${a.results.map((r) => printExpr(expandDefinitions(r.value, a.definitions), "plain")).join(" | ")}`).toBeLessThan(1e-6);
}

describe("examples/: every query of every problem file", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".matdiff"));
  it("has problem files", () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const file of files) {
    it(file, () => {
      const p = problemFromText(readFileSync(new URL(file, EXAMPLES), "utf8"), file);
      if (!p.ok) throw new Error(renderDiagnostic(p.error));
      for (const q of p.value.queries) {
        const a = answerQuery(p.value, q, { check: { points: 3 } });
        if (!a.ok) throw new Error(renderDiagnostic(a.error));
        expectPrintedIsChecked(p.value, a.value, `${file}: ${q.kind} ${q.text}`);
      }
    });
  }
  it("queries.jsonl: every well-formed line", () => {
    const lines = readFileSync(new URL("queries.jsonl", EXAMPLES), "utf8").split("\n").filter((l) => l.trim());
    let answered = 0;
    for (const line of lines) {
      const req = JSON.parse(line) as { decls: string | Record<string, string>; defs?: string[]; query?: QueryKind; expr: string; wrt: string | string[] };
      const decls = typeof req.decls === "string" ? [req.decls] : Object.entries(req.decls).map(([n, t]) => `${n} : ${t}`);
      const p = problemFromParts({
        decls: decls.map((text) => ({ text, source: "decls" })),
        defs: (req.defs ?? []).map((text) => ({ text, source: "defs" })),
        query: req.query ?? "grad",
        expr: { text: req.expr, source: "expr" },
        wrt: typeof req.wrt === "string" ? [req.wrt] : req.wrt,
      });
      if (!p.ok) continue; // the deliberately bad lines
      const a = answerQuery(p.value, p.value.queries[0]!, { check: { points: 3 } });
      if (!a.ok) throw new Error(renderDiagnostic(a.error));
      expectPrintedIsChecked(p.value, a.value, req.expr);
      answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(4);
  });
});

interface CorpusCase {
  id: string;
  kind: "gradient" | "hessian";
  decls: Record<string, string>;
  defs?: string[];
  expr: string;
  wrt: string | string[];
}

describe("the shared corpus: every gradient and Hessian", () => {
  let cases: CorpusCase[] = [];
  try {
    cases = JSON.parse(readFileSync(CORPUS, "utf8")) as CorpusCase[];
  } catch {
    // the corpus lives beside the repository (../shared); a checkout without it says so below
  }
  it("is present beside the repository", () => expect(cases.length, "../shared/corpus/gradients.json not found").toBeGreaterThanOrEqual(80));
  for (const c of cases) {
    it(c.id, () => {
      const p = problemFromParts({
        decls: Object.entries(c.decls).map(([n, t]) => ({ text: `${n} : ${t}`, source: `decls.${n}` })),
        defs: (c.defs ?? []).map((text, i) => ({ text, source: `defs[${i}]` })),
        query: c.kind === "hessian" ? "hessian" : "grad",
        expr: { text: c.expr, source: "expr" },
        wrt: typeof c.wrt === "string" ? [c.wrt] : c.wrt,
      });
      if (!p.ok) throw new Error(renderDiagnostic(p.error));
      const a = answerQuery(p.value, p.value.queries[0]!, { check: { points: 3 } });
      if (!a.ok) throw new Error(renderDiagnostic(a.error));
      expectPrintedIsChecked(p.value, a.value, c.id);
    });
  }
});
