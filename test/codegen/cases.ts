// The problems generated code is verified on: every grad query in examples/ and every problem of
// the shared corpus (its Hessians with --hessian).
import { readdirSync, readFileSync } from "node:fs";
import { problemFromParts, problemFromText } from "../../src/engine.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import type { CodeCase } from "./harness.js";

const EXAMPLES = new URL("../../examples/", import.meta.url);
const CORPUS = new URL("../../../shared/corpus/gradients.json", import.meta.url);

export function exampleCases(): CodeCase[] {
  const out: CodeCase[] = [];
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith(".matdiff")).sort()) {
    const p = problemFromText(readFileSync(new URL(file, EXAMPLES), "utf8"), file);
    if (!p.ok) throw new Error(renderDiagnostic(p.error));
    p.value.queries.forEach((q, i) => {
      if (q.kind === "grad" || q.kind === "hessian") out.push({ id: `${file}#${i + 1}`, problem: p.value, query: { ...q, kind: "grad" }, hessian: q.kind === "hessian" });
    });
  }
  const lines = readFileSync(new URL("queries.jsonl", EXAMPLES), "utf8").split("\n").filter((l) => l.trim());
  lines.forEach((line, i) => {
    const req = JSON.parse(line) as { id?: string; decls: string | Record<string, string>; defs?: string[]; query?: string; expr: string; wrt: string | string[] };
    if ((req.query ?? "grad") !== "grad") return;
    const c = caseFromParts(`queries.jsonl#${req.id ?? i + 1}`, req.decls, req.defs ?? [], req.expr, req.wrt, false);
    if (c) out.push(c);
  });
  return out;
}

interface CorpusEntry {
  id: string;
  kind: "gradient" | "hessian";
  decls: Record<string, string>;
  defs?: string[];
  expr: string;
  wrt: string | string[];
}

export function corpusCases(): CodeCase[] {
  let entries: CorpusEntry[];
  try {
    entries = JSON.parse(readFileSync(CORPUS, "utf8")) as CorpusEntry[];
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const c = caseFromParts(`corpus:${e.id}`, e.decls, e.defs ?? [], e.expr, e.wrt, e.kind === "hessian");
    return c ? [c] : [];
  });
}

export const corpusAvailable = (): boolean => corpusCases().length > 0;

function caseFromParts(id: string, decls: string | Record<string, string>, defs: string[], expr: string, wrt: string | string[], hessian: boolean): CodeCase | undefined {
  const declTexts = typeof decls === "string" ? [decls] : Object.entries(decls).map(([n, t]) => `${n} : ${t}`);
  const p = problemFromParts({
    decls: declTexts.map((text) => ({ text, source: "decls" })),
    defs: defs.map((text) => ({ text, source: "defs" })),
    query: "grad",
    expr: { text: expr, source: "expr" },
    wrt: typeof wrt === "string" ? [wrt] : wrt,
  });
  if (!p.ok) return undefined; // the deliberately bad lines of queries.jsonl
  return { id, problem: p.value, query: p.value.queries[0]!, hessian };
}
