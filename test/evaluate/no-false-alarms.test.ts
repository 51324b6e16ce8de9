// --check never cries wolf: correct answers that used to FAIL (poles, log arguments near 0,
// singular draws, deep networks) pass at 20 points for seeds 1–10, and the work is bounded for
// large variables.
import { describe, expect, it } from "vitest";
import { answerQuery, expandDefinitions, problemFromParts } from "../../src/engine.js";
import { withTimeBudget } from "../../src/budget.js";
import { directions, RANDOM_DIRECTIONS } from "../../src/evaluate/differences.js";
import { Random } from "../../src/evaluate/random.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { checkGradients } from "../../src/evaluate/check.js";
import { progressReporter } from "../../src/cli/program.js";
import { mul, numeric } from "../../src/expr/build.js";
import * as Q from "../../src/expr/rational.js";

function network(layers: number): { expr: string; decls: string } {
  let h = "x";
  const decls = ["x : vector(n)"];
  for (let i = 1; i <= layers; i++) {
    h = `tanh(W${i}*${h})`;
    decls.push(`W${i} : matrix(n,n)`);
  }
  return { expr: `sum(${h})`, decls: decls.join("; ") };
}

const CORRECT = [
  { expr: "-1/2*sum(1 + log(s.^2) - mu.^2 - s.^2)", wrt: "s", decls: "s : vector(n); mu : vector(n)" },
  { expr: "sum(x.^-2)", wrt: "x", decls: "x : vector(n)" },
  { expr: "sum(log(x.^2))", wrt: "x", decls: "x : vector(n)" },
  { expr: "tr(inv(W'*B*W)*W'*A*W)", wrt: "W", decls: "W : matrix(n,k); A : matrix(n,n); B : spd(n)" },
  { ...network(16), wrt: "W1" },
  { ...network(20), wrt: "W1" },
];

function answer(c: { expr: string; wrt: string; decls: string }, seed: number, points: number) {
  const p = problemFromParts({ decls: [{ text: c.decls, source: "d" }], defs: [], query: "grad", expr: { text: c.expr, source: "e" }, wrt: [c.wrt] });
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  const a = answerQuery(p.value, p.value.queries[0]!, { check: { seed, points } });
  if (!a.ok) throw new Error(renderDiagnostic(a.error));
  return a.value.check!;
}

interface Case {
  expr: string;
  wrt: string;
  decls: string;
  defs?: string[];
}

function problemOf(c: Case) {
  const p = problemFromParts({ decls: [{ text: c.decls, source: "d" }], defs: (c.defs ?? []).map((text) => ({ text, source: "l" })), query: "grad", expr: { text: c.expr, source: "e" }, wrt: [c.wrt] });
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  return p.value;
}

/** --check of the engine's gradient passes at `points` points for seeds 1 to `seeds`. */
function expectPassesForSeeds(c: Case, seeds: number, points: number) {
  for (let seed = 1; seed <= seeds; seed++) {
    const check = answer(c, seed, points);
    expect(check.ok, `seed ${seed}: relative error ${check.maxRelError}`).toBe(true);
    expect(check.points).toBe(points);
  }
}

/** A check that calls a wrong gradient wrong: failed, not inconclusive, by well over the tolerance. */
function expectCaught(off: ReturnType<typeof checkGradients>) {
  expect(off.ok).toBe(false);
  expect(off.inconclusive).toBe(false);
  expect(off.maxRelError).toBeGreaterThan(1e-3);
}

/** --check of the engine's gradient made wrong by 1%, at `points` points. */
function checkOfWrongByOnePercent(c: Case, seed: number, points: number) {
  const problem = problemOf(c);
  const q = problem.queries[0]!;
  const a = answerQuery(problem, q).value!;
  const right = a.results[0]!;
  const value = mul([numeric(Q.rat(101, 100)), expandDefinitions(right.value, a.definitions)]);
  return checkGradients(problem, q.expr, [{ wrt: right.wrt, value }], { points, seed });
}

describe("no false alarms", () => {
  for (const c of CORRECT) {
    it(`${c.expr.length > 60 ? `${c.expr.slice(0, 60)}…` : c.expr} passes at 20 points, seeds 1–10`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const check = answer(c, seed, 20);
        expect(check.ok, `seed ${seed}: relative error ${check.maxRelError}`).toBe(true);
        expect(check.points).toBe(20);
      }
    }, 120_000);
  }

  // sin of a determinant in the thousands turns faster than the usual steps resolve: differences at
  // every usual step agreed with each other and were nothing like the (right) gradient, and the
  // check said FAILED; it now looks again with smaller steps before a disagreement counts
  const FAST = {
    expr: "(sum(kron(cos(A1), tr(A2)*(x*u3')))) / (2 + sin(det(S4 + ((A5*x)*x')*((A5*x)*x')')))",
    wrt: "x",
    decls: "x : vector(n); A1 : matrix(m,n); A2 : matrix(m,m); u3 : vector(m); S4 : spd(m); A5 : matrix(m,n)",
  };

  // log(1 + c·t¹⁰·…) at a small t is log(1) = 0 in floating point: the differences are 0 ± 0 and the
  // right derivative, about 1e-20 there, failed with a relative error of 1 (random-check seed 27);
  // the rounding of f itself now counts in the differences' uncertainty
  const CANCELS = {
    expr: "log(1 + sum((((tr((t*A1)*(t*A2)))*(t*A3))*((tr((t*A4) .* (t*A5)))*A6)) .* (((tr((t*A1)*(t*A2)))*(t*A3))*((tr((t*A4) .* (t*A5)))*A6))))",
    wrt: "t",
    decls: "t : scalar; A1 : matrix(m,m); A2 : matrix(m,m); A3 : matrix(n,m); A4 : matrix(n,n); A5 : matrix(n,n); A6 : matrix(m,n)",
  };

  // each case: its right gradient passes at 10 points for seeds 1–5, and the same gradient wrong by
  // 1% still fails
  const PASSING: Array<[string, Case]> = [
    ["a function that turns faster than the usual steps", FAST],
    ["a function that cancels to 0 in floating point at small points", CANCELS],
  ];
  for (const [what, c] of PASSING) {
    it(`${what}: its right gradient passes, seeds 1–5`, () => {
      expectPassesForSeeds(c, 5, 10);
    }, 120_000);

    it(`${what}: a gradient of it wrong by 1% still fails`, () => {
      expectCaught(checkOfWrongByOnePercent(c, 3, 10));
    });
  }

  // cos of the entries of exp(·) in the tens: derivatives of 1e13, which no step in double precision
  // resolves; differences at every look were secants of an oscillation and the right gradient
  // FAILED with a relative error of 1 (random-check seed 23). Those entries now prove nothing.
  const UNRESOLVABLE = {
    expr: "sum(cos(A3*D1))",
    wrt: "P",
    decls: "P : spd(n); A1 : matrix(n,m); A2 : matrix(m,n); A3 : matrix(m,n)",
    defs: ["D1 = exp(0.3*((P*A1)*(A2*P)))"],
  };

  it("a function whose derivative no step resolves: its right gradient is never called FAILED, seeds 1–5", () => {
    const problem = problemOf(UNRESOLVABLE);
    for (let seed = 1; seed <= 5; seed++) {
      const a = answerQuery(problem, problem.queries[0]!, { check: { seed, points: 10 } });
      if (!a.ok) throw new Error(renderDiagnostic(a.error));
      const check = a.value.check!;
      expect(check.ok || check.inconclusive, `seed ${seed}: relative error ${check.maxRelError}`).toBe(true);
    }
  }, 120_000);

  it("... and a gradient of it wrong by 1% still fails", () => {
    expectCaught(checkOfWrongByOnePercent(UNRESOLVABLE, 3, 10));
  });

  // at the closest look (steps a million times smaller) f's rounding swamps a 1% error of this
  // gradient; judging the rounding there alone let it pass (random-check seed 34)
  it("a gradient wrong by 1% still fails where f's rounding swamps the closest look", () => {
    const c = {
      expr: "logdet(S4 + ((((A1*P)*P') / (1 + (tr(P + P))^2)) .* ((u2*u3')'))*((((A1*P)*P') / (1 + (tr(P + P))^2)) .* ((u2*u3')'))')",
      wrt: "P",
      decls: "P : spd(n); A1 : matrix(m,n); u2 : vector(n); u3 : vector(m); S4 : spd(m)",
    };
    expect(answer(c, 1, 3).ok).toBe(true);
    const off = checkOfWrongByOnePercent(c, 1, 3);
    expect(off.ok).toBe(false);
    expect(off.inconclusive).toBe(false);
  });

  it("a wrong answer still fails (the error estimate does not excuse a real difference)", () => {
    const p = problemFromParts({ decls: [{ text: "x : vector(n)", source: "d" }], defs: [], query: "grad", expr: { text: "sum(x.^-2)", source: "e" }, wrt: ["x"] });
    if (!p.ok) throw new Error("bad problem");
    const q = p.value.queries[0]!;
    const right = answerQuery(p.value, q).value!.results[0]!;
    const wrong = checkGradients(p.value, q.expr, [{ wrt: right.wrt, value: p.value.vars.get("x")!.sym }], { points: 5 });
    expect(wrong.ok).toBe(false);
    expect(wrong.inconclusive).toBe(false);
  });
});

describe("bounded work", () => {
  it("a large variable is checked along a fixed number of random directions", () => {
    expect(directions(true, [50, 50], new Random(1))).toHaveLength(RANDOM_DIRECTIONS);
    expect(directions(false, [2, 3], new Random(1))).toHaveLength(6); // small: every coordinate
    expect(directions(true, [3, 3], new Random(1))).toHaveLength(6); // symmetric: i ≤ j
    expect(directions(false, [3, 4], new Random(1))).toHaveLength(RANDOM_DIRECTIONS); // 12 entries: random
    expect(directions(true, [4, 4], new Random(1))).toHaveLength(RANDOM_DIRECTIONS); // 10 free entries: random
  });

  it("--check with X : spd(50) finishes inside a 5 s budget", () => {
    const p = problemFromParts({
      decls: [{ text: "X : spd(50); A : matrix(50,50)", source: "d" }],
      defs: [],
      query: "grad",
      expr: { text: "logdet(X) + tr(A*inv(X))", source: "e" },
      wrt: ["X"],
    });
    if (!p.ok) throw new Error("bad problem");
    const a = withTimeBudget(5000, () => answerQuery(p.value, p.value.queries[0]!, { check: { points: 3 } }));
    if (!a.ok) throw new Error(renderDiagnostic(a.error));
    expect(a.value.check!.ok).toBe(true);
  }, 30_000);
});

describe("progress on long checks", () => {
  it("the check reports after every point, and the CLI prints only once past a second", () => {
    const p = problemFromParts({ decls: [{ text: "x : vector(n)", source: "d" }], defs: [], query: "grad", expr: { text: "sum(exp(x))", source: "e" }, wrt: ["x"] });
    if (!p.ok) throw new Error("bad problem");
    const seen: number[] = [];
    const a = answerQuery(p.value, p.value.queries[0]!, { check: { points: 4, onProgress: (done) => seen.push(done) } });
    expect(a.ok && a.value.check!.ok).toBe(true);
    expect(seen).toEqual([1, 2, 3, 4]);
    let err = "";
    const report = progressReporter({ stderr: (s) => void (err += s) });
    report(1, 3, 400);
    expect(err).toBe("");
    report(2, 3, 1500);
    expect(err).toBe("check: point 2 of 3 (1.5 s)\n");
  });
});
