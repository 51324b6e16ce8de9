// Walks every identity table and checks each row numerically on random matrices:
// - differential rules: d f(X)[E] by finite differences equals the rule's right-hand side with dX = E;
// - Frobenius moves: lhs and rhs evaluate to the same number.
import { describe, expect, it } from "vitest";
import { DIFFERENTIAL_RULES } from "../../src/calculus/identities.js";
import { FROBENIUS_MOVES } from "../../src/calculus/readoff.js";
import { applyFn, inv } from "../../src/expr/build.js";
import { dvar, sym, type Expr } from "../../src/expr/expr.js";
import { compileTemplate } from "../../src/rewrite/template.js";
import { evaluate, fill, frobeniusNorm, type Env, type Matrix } from "../../src/evaluate/numeric.js";
import { Random } from "../../src/evaluate/random.js";
import { matrixDerivative, relativeError } from "../../src/evaluate/check.js";
import type { Shape } from "../../src/expr/shape.js";

function shapeOf(type: string): { shape: Shape; kind: string } {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(type.replace(/\s/g, ""))!;
  const kind = m[1]!;
  const a = Number(m[2] ?? 1);
  const b = Number(m[3] ?? 1);
  if (kind === "scalar") return { shape: [1, 1], kind };
  if (kind === "vector") return { shape: [a, 1], kind };
  if (kind === "matrix") return { shape: [a, b], kind };
  return { shape: [a, a], kind };
}

function draw(type: string, rng: Random, domain?: string): Matrix {
  const { shape, kind } = shapeOf(type);
  const [r, c] = shape as [number, number];
  if (kind === "spd") {
    const a = fill(r, r, () => rng.normal());
    return fill(r, r, (p, q) => a[p]!.reduce((s, x, k) => s + x * a[q]![k]!, 0) + (p === q ? r : 0));
  }
  if (kind === "scalar") return [[rng.uniform(0.5, 1.5)]];
  return fill(r, c, () => {
    const x = rng.normal();
    if (domain === "positive") return 0.5 + Math.abs(x);
    if (domain === "nonzero") return (x < 0 ? -0.3 : 0.3) + x;
    return x;
  });
}

const APPLY: Record<string, (x: Expr) => Expr> = { inv: (x) => inv(x) };

describe("differential identity table", () => {
  for (const rule of DIFFERENTIAL_RULES) {
    it(`${rule.id}: ${rule.statement} (${rule.cite})`, () => {
      const rng = new Random(11);
      const { shape } = shapeOf(rule.sample);
      const X = sym("X", shape, "var", rule.sample.startsWith("spd"));
      const f = APPLY[rule.head]?.(X) ?? applyFn(rule.head as never, [X]);
      const rhs = compileTemplate(rule.rhs)({ holes: new Map([["X", X]]), d: () => dvar("X", shape, false) });
      for (let trial = 0; trial < 3; trial++) {
        const x0 = draw(rule.sample, rng, rule.domain);
        const E = fill(x0.length, x0[0]!.length, () => rng.normal());
        const at = (t: number): Matrix =>
          evaluate(f, { values: new Map([["X", x0.map((row, i) => row.map((v, j) => v + t * E[i]![j]!))]]), dims: new Map() });
        const fd = matrixDerivative(at, 1e-3);
        const env: Env = { values: new Map([["X", x0], ["d:X", E]]), dims: new Map() };
        const claimed = evaluate(rhs, env);
        expect(relativeError(fd, claimed)).toBeLessThan(1e-6);
      }
    });
  }
});

describe("Frobenius move table", () => {
  for (const move of FROBENIUS_MOVES) {
    it(`${move.id}: ${move.statement} (${move.cite})`, () => {
      const rng = new Random(5);
      const holes = new Map<string, Expr>();
      const values = new Map<string, Matrix>();
      for (const [name, type] of Object.entries(move.sample)) {
        const { shape, kind } = shapeOf(type);
        holes.set(name, sym(name, shape, "var", kind === "scalar"));
        values.set(name, draw(type, rng));
      }
      const lhs = evaluate(compileTemplate(move.lhs)({ holes }), { values, dims: new Map() });
      const rhs = evaluate(compileTemplate(move.rhs)({ holes }), { values, dims: new Map() });
      expect(lhs.length).toBe(1);
      expect(Math.abs(lhs[0]![0]! - rhs[0]![0]!)).toBeLessThan(1e-10 * Math.max(1, frobeniusNorm(lhs)));
    });
  }
});
