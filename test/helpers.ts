// Shared test helpers: solve a problem written in the matdiff language and check every gradient
// against finite differences (the numeric oracle is always on).

import { expect } from "vitest";
import { answerAll, expandDefinitions, problemFromText, type QueryAnswer } from "../src/engine.js";
import { checkComponents, checkGradients, combineChecks } from "../src/evaluate/check.js";
import { printExpr } from "../src/print/index.js";
import { renderDiagnostic } from "../src/diagnostics/render.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import type { Problem } from "../src/parse/resolve.js";

export function problem(text: string): Problem {
  const p = problemFromText(text, "test");
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  return p.value;
}

export function answers(text: string): QueryAnswer[] {
  const p = problem(text);
  return answerAll(p).map((a) => {
    if (!a.ok) throw new Error(renderDiagnostic(a.error));
    return a.value;
  });
}

/** The diagnostic a problem produces (while resolving or answering), or fail the test. */
export function diagnosticOf(text: string): Diagnostic {
  const p = problemFromText(text, "test");
  if (!p.ok) return p.error;
  for (const q of p.value.queryOutcomes) if (!q.ok) return q.error;
  for (const a of answerAll(p.value)) if (!a.ok) return a.error;
  throw new Error("expected an error, got answers");
}

/** Every gradient of every query agrees with finite differences at random sizes and points. */
export function expectNumericallyRight(text: string, points = 3, seed = 7): QueryAnswer[] {
  const p = problem(text);
  const out = answerAll(p).map((a) => {
    if (!a.ok) throw new Error(renderDiagnostic(a.error));
    return a.value;
  });
  for (const a of out) {
    const expanded = a.results.map((r) => ({ ...r, value: expandDefinitions(r.value, a.definitions) }));
    const components = expanded.filter((r) => r.component);
    const c = components.length
      ? components.map((r) => checkComponents(p, a.query.expr, r.wrt, r.value, { points, seed })).reduce(combineChecks)
      : checkGradients(p, a.query.expr, expanded, { points, seed });
    expect(c.inconclusive, `no valid point for ${a.query.text}`).toBe(false);
    expect(c.maxRelError, `${a.query.text}: ${a.results.map((r) => printExpr(r.value, "plain")).join(" | ")}`).toBeLessThan(1e-6);
  }
  return out;
}

/** The plain form of the gradient of the first query for each variable. */
export function plainGradients(a: QueryAnswer): string[] {
  return a.results.map((r) => printExpr(r.value, "plain"));
}

export function unicodeGradients(a: QueryAnswer): string[] {
  return a.results.map((r) => printExpr(r.value, "unicode"));
}
