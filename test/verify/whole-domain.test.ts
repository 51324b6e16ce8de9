// `check` and `equal` cannot be fooled by claims that are right only for positive or ordinary
// values: points come from the whole domain (both signs, small and large values), a difference is
// shown with a counterexample, and an expression undefined where the other is defined differs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli } from "../cli/run-cli.js";
import { problemWithExpressions } from "../../src/engine.js";
import { verifyEqual } from "../../src/verify.js";

describe("claims wrong only on part of the domain", () => {
  it("check s*t --grad abs(t) is WRONG, with a negative t shown", async () => {
    const r = await cli(["check", "s*t", "--wrt", "s", "--grad", "abs(t)", "-d", "s : scalar; t : scalar"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^WRONG/);
    expect(r.stdout).toMatch(/for example at .*t = -\d/);
  });

  it("check relu(s)*x'*x --grad 2*s*x is WRONG (s < 0)", async () => {
    const r = await cli(["check", "relu(s)*x'*x", "--wrt", "x", "--grad", "2*s*x", "-d", "s : scalar; x : vector(n)"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/for example at s = -/);
  });

  it("equal relu(s) s: not equal, with a counterexample", async () => {
    const r = await cli(["equal", "relu(s)", "s", "-d", "s : scalar"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^not equal/);
    expect(r.stdout).toMatch(/for example at s = -[\d.]+: left = 0, right = -[\d.]+/);
  });

  it("equal log(s^2) 2*log(s): not equal for a scalar (undefined for s < 0), equal for a positive one", async () => {
    const a = await cli(["equal", "log(s^2)", "2*log(s)", "-d", "s : scalar"]);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/right = undefined/);
    const b = await cli(["equal", "log(s^2)", "2*log(s)", "-d", "s : positive"]);
    expect(b.code, b.stdout).toBe(0);
    expect(b.stdout).toMatch(/^equal: numerically, at 10 random points \(around 1, negative, small, large, mixed\)/);
  });

  it("a numeric 'equal' says how many points and of what kinds", async () => {
    const r = await cli(["equal", "sin(s)^2 + cos(s)^2", "1", "-d", "s : scalar"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/at 10 random points \(around 1, negative, small, large, mixed\)/);
  });

  it("a symbolic proof comes first", async () => {
    const r = await cli(["equal", "a'*(C - C)*c", "0", "-d", "a : vector(n); C : matrix(n,m); c : vector(m)"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^equal: symbolically/);
  });

  it("a right claim is right at every kind of point", async () => {
    const r = await cli(["check", "s*t^2", "--wrt", "t", "--grad", "2*s*t", "-d", "s : scalar; t : scalar"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/negative, small, large/);
  });
});

/** Pairs equal on part of the domain only: each side as written, and the declarations. */
const PARTIAL_PAIRS: Array<(v: string) => [string, string]> = [
  (v) => [`abs(${v})`, v],
  (v) => [`relu(${v})`, v],
  (v) => [`relu(${v})`, `abs(${v})`],
  (v) => [`sqrt(${v}^2)`, v],
  (v) => [`${v}*abs(${v})`, `${v}^2`],
  (v) => [`log(${v}^2)`, `2*log(${v})`],
  (v) => [`abs(${v})/${v}`, "1"],
  (v) => [`relu(${v} - 0.05) + 0.05`, `relu(${v})`], // differ only for small values
  (v) => [`(abs(${v}) + ${v})/2`, v],
  (v) => [`exp(log(abs(${v})))`, v],
];

describe("equal and check never call partially equal expressions equal", () => {
  it("random pairs (abs, relu, sign changes, small values), as values and as gradients", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PARTIAL_PAIRS.length - 1 }), fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (i, seed, scaled) => {
        const [a0, b0] = PARTIAL_PAIRS[i]!("s");
        // the same pair inside a larger expression: scaled by a second variable and shifted
        const [a, b] = scaled ? [`t^2*(${a0}) + t`, `t^2*(${b0}) + t`] : [a0, b0];
        const r = problemWithExpressions({ decls: [{ text: "s : scalar; t : scalar", source: "d" }], defs: [] }, [
          { text: a, source: "A" },
          { text: b, source: "B" },
        ]);
        if (!r.ok) throw new Error(r.error.message);
        const [x, y] = r.value.exprs as [never, never];
        const eq = verifyEqual(r.value.problem, x, y, { seed });
        expect(eq.equal, `${a} = ${b} (seed ${seed})`).toBe(false);
        expect(eq.counterexample).toBeDefined();
        return true;
      }),
      { numRuns: 400, seed: 14 },
    );
  });

  it("hand gradients right only for positive values are WRONG", async () => {
    const claims: Array<[string, string, string]> = [
      ["s*abs(t)", "t", "s"], // d/dt s|t| = s·sign(t)
      ["relu(t)*s", "t", "s"],
      ["s*t^2/2", "t", "s*abs(t)"],
      ["log(t^2)", "t", "2/abs(t)"],
      ["sqrt(t^2)", "t", "1"],
    ];
    for (const [f, wrt, g] of claims) {
      for (const seed of [1, 2, 3]) {
        const r = await cli(["check", f, "--wrt", wrt, "--grad", g, "-d", "s : scalar; t : scalar", "--seed", String(seed)]);
        expect(r.code, `${f} --grad ${g} (seed ${seed}): ${r.stdout}`).toBe(1);
      }
    }
  });
});
