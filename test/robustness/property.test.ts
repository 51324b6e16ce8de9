// Property tests over random well-typed expressions (fast-check, seeded; the seed is printed on
// failure). For each: the gradient agrees with finite differences or the engine declines with
// `unsupported` — never a wrong answer; the plain form parses back to the same node; shuffling the
// terms gives the same bytes; every node of the answer has the shape its operator gives it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerQuery, expandDefinitions, problemFromText } from "../../src/engine.js";
import { checkGradients, compareNumerically } from "../../src/evaluate/check.js";
import { gradient } from "../../src/calculus/gradient.js";
import { present } from "../../src/simplify/present.js";
import { rebuild } from "../../src/expr/transform.js";
import type { Expr } from "../../src/expr/expr.js";
import { printExpr } from "../../src/print/index.js";
import { Random } from "../../src/evaluate/random.js";
import { DECLS, ExprGenerator } from "./generator.js";

// a few draws mention no variable and are skipped; 1,100 runs try well over 1,000 expressions
const RUNS = 1100;

function solve(terms: string[], wrt: string) {
  const p = problemFromText(`${DECLS}\ngrad ${terms.join(" + ")} wrt ${wrt}`, "property");
  if (!p.ok) throw new Error(`generator produced invalid input: ${p.error.message}\n${terms.join(" + ")}`);
  return { problem: p.value, answer: answerQuery(p.value, p.value.queries[0]!) };
}

function shapesHold(e: Expr): boolean {
  const again = rebuild(e, e.args);
  return again.shape[0] === e.shape[0] && again.shape[1] === e.shape[1] && e.args.every(shapesHold);
}

describe("random expressions", () => {
  it("at least 1,000 random well-typed expressions: right or declined, never wrong", () => {
    const stats = { tried: 0, declined: 0, inconclusive: 0, verified: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const g = new ExprGenerator(new Random(seed)).problem();
        if (!g) return true;
        stats.tried++;
        const { problem, answer } = solve(g.terms, g.wrt);
        if (!answer.ok) {
          expect(answer.error.kind, `${answer.error.message} in ${g.terms.join(" + ")}`).toBe("unsupported");
          stats.declined++;
          return true;
        }
        const a = answer.value;
        const results = a.results.map((r) => ({ ...r, value: expandDefinitions(r.value, a.definitions) }));
        let c = checkGradients(problem, a.query.expr, results, { seed });
        if (!c.ok && !c.inconclusive) {
          // a second opinion at other points before calling a formula wrong (ill-conditioned draws)
          c = checkGradients(problem, a.query.expr, results, { seed: seed + 1, points: 5, tolerance: 1e-4 });
        }
        if (c.inconclusive) stats.inconclusive++;
        else {
          expect(c.ok, `wrong gradient (rel. error ${c.maxRelError}) for ${g.terms.join(" + ")} wrt ${g.wrt}: ${printExpr(a.results[0]!.value, "plain")}`).toBe(true);
          stats.verified++;
        }
        const G = a.results[0]!.value;
        expect(shapesHold(G)).toBe(true);
        return true;
      }),
      { numRuns: RUNS, seed: 20261121 },
    );
    console.log(`property: ${stats.tried} expressions tried, ${stats.verified} verified, ${stats.declined} declined, ${stats.inconclusive} inconclusive (no point in the domain)`);
    expect(stats.tried).toBeGreaterThanOrEqual(1000);
    expect(stats.verified).toBeGreaterThan(stats.tried * 0.8);
  });

  it("the plain form parses back to the same node, and shuffled terms print the same bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const rng = new Random(seed);
        const g = new ExprGenerator(rng).problem();
        if (!g) return true;
        const { answer } = solve(g.terms, g.wrt);
        if (!answer.ok) return true;
        const G = answer.value.results[0]!.value;
        const plain = printExpr(G, "plain");
        const defs = answer.value.definitions.map(([n, body]) => `${n} = ${printExpr(body, "plain")}`).join("\n");
        const back = problemFromText(`${DECLS}\n${defs}\nroundtrip__ = ${plain}`);
        const reread = back.ok ? back.value.defsByName.get("roundtrip__")!.body : undefined;
        // with engine names, a name re-read from text may lose what the engine knew of its body
        // (e.g. that it is symmetric), so the bytes are compared; without, the very node
        if (answer.value.definitions.length === 0) expect(reread).toBe(G);
        else expect(reread && printExpr(reread, "plain")).toBe(plain);
        const shuffled = [...g.terms].reverse();
        const other = solve(shuffled, g.wrt).answer;
        expect(other.ok && printExpr(other.value.results[0]!.value, "plain")).toBe(plain);
        return true;
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("the presentation phase", () => {
  it("is numerically sound, idempotent and keeps the shape, on random answers", () => {
    let rewritten = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const g = new ExprGenerator(new Random(seed)).problem();
        if (!g) return true;
        const p = problemFromText(`${DECLS}\ngrad ${g.terms.join(" + ")} wrt ${g.wrt}`);
        if (!p.ok) return true;
        let raw: Expr;
        try {
          raw = gradient(p.value, p.value.queries[0]!.expr, p.value.queries[0]!.wrt[0]!).value;
        } catch {
          return true; // declined constructs are covered above
        }
        const shown = present(raw).expr;
        if (shown !== raw) rewritten++;
        expect(shown.shape).toEqual(raw.shape);
        expect(present(shown).expr).toBe(shown);
        const same = compareNumerically(p.value, raw, shown, { seed, points: 2 });
        if (!same.inconclusive) expect(same.maxRelError, printExpr(shown, "plain")).toBeLessThan(1e-8);
        return true;
      }),
      { numRuns: 300, seed: 99 },
    );
    expect(rewritten).toBeGreaterThan(0);
  });
});
