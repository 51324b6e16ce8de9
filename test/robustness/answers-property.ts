// The property harness for answers of every query kind: random well-typed problems (generator.ts:
// numeric factors inside Hadamard products, functions and transposes; ones products; 1×1 products
// used as scalars; cancelling terms; variables of every shape) are answered with the check on.
//
// The engine reads every answer back from its plain text (a mismatch is an `internal` error) and
// checks the node read back against finite differences; this harness adds that the outcome is an
// answer or a decline (never internal, never a wrong formula), and that the unicode and LaTeX
// forms have the plain form's skeleton.

import katex from "katex";
import { expect } from "vitest";
import { answerQuery, problemFromText } from "../../src/engine.js";
import { Random } from "../../src/evaluate/random.js";
import { printExpr } from "../../src/print/index.js";
import { rereadStats } from "../../src/answer/reread.js";
import { skeleton } from "../print/skeleton.js";
import { DECLS, ExprGenerator, SHAPES, usedVariables, type GeneratorOptions } from "./generator.js";
import { forEachDistinct } from "../../src/expr/expr.js";
import type { QueryKind } from "../../src/parse/surface.js";

export interface Tally {
  tried: number;
  /** Answers that came with engine definitions ("where C = …"). */
  named: number;
  /** Answers that had to be settled (read back into another node): counted, see runCase. */
  settled: number;
  verified: number;
  declined: number;
  inconclusive: number;
  skipped: number;
}

export const newTally = (): Tally => ({ tried: 0, named: 0, settled: 0, verified: 0, declined: 0, inconclusive: 0, skipped: 0 });

/** One random problem of the given kind, answered, checked and compared across forms. */
export function runCase(kind: QueryKind, seed: number, tally: Tally, opts: GeneratorOptions = {}): void {
  const gen = new ExprGenerator(new Random(seed), opts);
  const g = kind === "grad" || kind === "hessian" ? gen.problem() : gen.arrayProblem();
  let wrt = g?.wrt;
  if (g && kind === "hessian") {
    // Hessians wrt scalars and vectors (matrix Hessians are vec-coordinate Kronecker forms)
    const candidates = usedVariables(g.terms.join(" + ")).filter((v) => SHAPES[v]![1] === "1");
    wrt = candidates[seed % Math.max(1, candidates.length)];
  }
  if (!g || !wrt) {
    tally.skipped++;
    return;
  }
  const text = `${DECLS}\n${kind} ${g.terms.join(" + ")} wrt ${wrt}`;
  const p = problemFromText(text, "property");
  if (!p.ok) throw new Error(`the generator produced invalid input (${p.error.message}):\n${text}`);
  tally.tried++;
  const query = p.value.queries[0]!;
  const settledBefore = rereadStats.settled;
  const answer = answerQuery(p.value, query, { check: { points: 1, seed, kindOffset: seed } });
  // parse(print(e)) is e on the first print: the canonical constructors built each answer in the
  // form its own text rebuilds (settling is only the engine's safety net). Draws with repeated
  // subexpressions still find answers that need it (a factored sum whose text the sum constructor
  // factors further): those are counted, and what is printed and checked is the settled node.
  const settled = rereadStats.settled - settledBefore;
  if (opts.repeats) tally.settled += settled;
  else expect(settled, `an answer of ${text} had to be settled`).toBe(0);
  if (!answer.ok) {
    expect(answer.error.kind, `${answer.error.message}\n  in: ${text}`).toBe("unsupported");
    tally.declined++;
    return;
  }
  let check = answer.value.check!;
  if (!check.ok && !check.inconclusive) {
    // a second opinion at other points before calling a formula wrong (ill-conditioned draws)
    const again = answerQuery(p.value, query, { check: { points: 3, seed: seed + 1, tolerance: 1e-4 } });
    if (again.ok) check = again.value.check!;
  }
  const shown = answer.value.results.map((r) => printExpr(r.value, "plain")).join(" | ");
  expect(check.ok || check.inconclusive, `wrong ${kind} (relative error ${check.maxRelError}) of ${g.terms.join(" + ")} wrt ${wrt}: ${shown}`).toBe(true);
  if (check.inconclusive) tally.inconclusive++;
  else tally.verified++;

  const definitions = answer.value.definitions;
  if (definitions.length > 0) tally.named++;
  definitions.forEach(([name, body], i) => {
    // a body is never its own name, and uses only names defined before it
    const later = new Set(definitions.slice(i).map(([n]) => n));
    forEachDistinct([body], (x) => {
      if (x.kind === "sym" && later.has(x.name)) expect.fail(`definition ${name} = ${printExpr(body, "plain")} uses ${x.name}, defined at or after it, in ${text}`);
    });
  });

  const names = [...p.value.vars.keys(), ...p.value.defsByName.keys(), ...answer.value.definitions.map(([n]) => n)];
  for (const e of [...answer.value.results.map((r) => r.value), ...answer.value.definitions.map(([, b]) => b)]) {
    const plain = printExpr(e, "plain");
    const base = skeleton(plain, "plain", names);
    const unicode = printExpr(e, "unicode");
    expect(skeleton(unicode, "unicode", names), `unicode ${unicode} of ${plain}`).toEqual(base);
    const latex = printExpr(e, "latex");
    expect(skeleton(latex, "latex", names), `latex ${latex} of ${plain}`).toEqual(base);
    if (seed % 16 === 0) katex.renderToString(latex, { throwOnError: true, displayMode: true });
  }
}

/**
 * The suites together try at least 10,000 problems (grad 2 × 3,000, jacobian and differential
 * 1,500 each, hessian 1,000) in every run of `npm test`, CI or not: about 45 s on two cores.
 */
export const MIN_TRIED = { grad: 3000, jacobian: 1500, differential: 1500, hessian: 1000 } as const;

/** Draws per suite: a few draws mention no variable (or no Hessian variable) and are skipped. */
export function caseCount(minTried: number): number {
  return Math.ceil(minTried * 1.06);
}

export function report(kind: string, t: Tally): string {
  return `property (${kind}): ${t.tried} problems, ${t.verified} verified by finite differences, ${t.declined} declined, ${t.inconclusive} inconclusive, ${t.skipped} draws skipped; ${t.named} with engine definitions, ${t.settled} settled`;
}
