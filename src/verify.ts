// Checking a user's own work: is a hand-derived gradient right, and if not, what is wrong with it;
// are two expressions equal. Symbolic where the canonical forms already agree, numeric otherwise
// (random points, as --check), and always said which.

import { add, applyFn, mul, scale, sub, transpose } from "./expr/build.js";
import { forEachDistinct, type Expr } from "./expr/expr.js";
import * as Q from "./expr/rational.js";
import type { Problem, VarInfo } from "./parse/resolve.js";
import { compareNumerically, samplePoints, type CheckOptions, type Sample } from "./evaluate/check.js";
import type { PointKind } from "./evaluate/domain.js";
import { factorCommon } from "./simplify/factor.js";
import type { Env, Matrix } from "./evaluate/numeric.js";

export type Verdict =
  | { right: true; how: "symbolic" | "numeric"; points: number; kinds: PointKind[] }
  | { right: false; inconclusive?: boolean; diagnosis: string; points: number; counterexample?: string };

/**
 * Equal by construction: the same node, the same presentation, or the same canonical sum once
 * every product is distributed over its sums (like terms collect in the canonical sum).
 */
function symbolicallyEqual(a: Expr, b: Expr): boolean {
  if (a === b || factorCommon(a) === factorCommon(b)) return true;
  return add(terms(a)) === add(terms(b));
}

/**
 * The terms a reader sees: sums flattened and products distributed over sums, so that
 * (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z has the two terms K⁻¹YYᵀK⁻¹Z and −D K⁻¹Z.
 */
function terms(e: Expr): Expr[] {
  if (e.kind === "add") return e.args.flatMap(terms);
  if (e.kind === "mul") {
    const i = e.args.findIndex((f) => f.kind === "add");
    if (i >= 0) {
      return e.args[i]!.args.flatMap((t) => terms(mul(e.args.map((f, j) => (j === i ? t : f)))));
    }
  }
  return [e];
}

const dot = (a: Matrix, b: Matrix) => a.reduce((s, row, i) => row.reduce((t, x, j) => t + x * b[i]![j]!, s), 0);

/** A ratio that is the same at every point, if there is one (yours = c × correct). */
function constantRatio(samples: Sample[]): number | undefined {
  const pairs = samples.filter((s) => s.values.every((v) => v !== undefined)).map((s) => s.values as Matrix[]);
  if (pairs.length < samples.length || pairs.length === 0) return undefined;
  const ratios = pairs.map(([mine, right]) => dot(mine!, right!) / Math.max(dot(right!, right!), 1e-300));
  const c = ratios[0];
  if (c === undefined || !Number.isFinite(c)) return undefined;
  const consistent = pairs.every(([mine, right]) => {
    const diff = mine!.map((row, i) => row.map((x, j) => x - c * right![i]![j]!));
    return Math.sqrt(dot(diff, diff)) <= 1e-6 * Math.max(Math.sqrt(dot(mine!, mine!)), 1e-12);
  });
  return consistent ? c : undefined;
}

function describeFactor(c: number): string {
  for (let den = 1; den <= 12; den++) {
    const num = Math.round(c * den);
    if (Math.abs(num / den - c) < 1e-9 * Math.max(1, Math.abs(c))) return Q.format(Q.rat(num, den));
  }
  return c.toPrecision(6);
}

/** Claims are compared at many points (cheap: no differences), so every kind of point is seen twice. */
export const CLAIM_POINTS = 10;

/**
 * Is `claimed` the gradient of f with respect to x? `correct` is the engine's gradient (with no
 * engine definitions left in it); `show` prints an expression for the diagnosis. Points are drawn
 * where f is defined, from the whole domain (both signs, small and large values).
 */
export function verifyGradient(
  problem: Problem,
  f: Expr,
  x: VarInfo,
  claimed: Expr,
  correct: Expr,
  show: (e: Expr) => string,
  opts: CheckOptions = {},
): Verdict {
  const o = { points: CLAIM_POINTS, ...opts, domain: [f] };
  if (claimed.shape[0] !== correct.shape[0] || claimed.shape[1] !== correct.shape[1]) {
    const transposedShape = claimed.shape[0] === correct.shape[1] && claimed.shape[1] === correct.shape[0];
    const detail = `yours is ${claimed.shape[0]}×${claimed.shape[1]}, but ${x.name} is ${x.shape[0]}×${x.shape[1]}`;
    const fixed = transposedShape ? compareNumerically(problem, transpose(claimed), correct, o) : undefined;
    const diagnosis = fixed?.equal
      ? `transposed: ${detail}; its transpose is right`
      : transposedShape
        ? `transposed shape (${detail}), and wrong even after transposing`
        : `wrong shape: ${detail}`;
    return { right: false, diagnosis, points: fixed?.points ?? 0 };
  }
  const eq = compareNumerically(problem, claimed, correct, o);
  if (eq.inconclusive) return { right: false, inconclusive: true, diagnosis: "inconclusive: no random point in the domain", points: 0 };
  if (eq.equal) return { right: true, how: symbolicallyEqual(claimed, correct) ? "symbolic" : "numeric", points: eq.points, kinds: eq.kinds };
  const where = eq.counterexample ? counterexampleText(problem, [claimed, correct], eq.counterexample, ["yours", "correct"]) : undefined;
  const wrong = (diagnosis: string): Verdict => ({ right: false, diagnosis, points: eq.points, ...(where ? { counterexample: where } : {}) });

  const sameAs = (e: Expr) => compareNumerically(problem, claimed, e, o).equal;
  // transposed (square X)
  if (claimed.shape[0] === claimed.shape[1] && sameAs(transpose(correct))) {
    return wrong("transposed: yours is the transpose of the correct gradient");
  }
  // off by a constant factor
  const c = constantRatio(samplePoints(problem, [claimed, correct], o));
  if (c !== undefined && Math.abs(c) > 1e-12) {
    return wrong(`off by a factor of ${describeFactor(c)}: yours is ${describeFactor(c)} times the correct gradient`);
  }
  // a missing, extra or sign-flipped term
  for (const t of terms(correct)) {
    if (sameAs(sub(correct, t))) return wrong(`missing term: ${show(t)}`);
    if (sameAs(sub(correct, scale(Q.rat(2), t)))) return wrong(`wrong sign of the term ${show(t)}`);
  }
  for (const t of terms(claimed)) {
    if (compareNumerically(problem, sub(claimed, t), correct, o).equal) return wrong(`extra term: ${show(t)}`);
  }
  // symmetric conventions
  if (x.sym.symmetric && x.shape[0] !== 1) {
    const cookbook = sub(scale(Q.rat(2), correct), applyFn("diagm", [applyFn("diagv", [correct])]));
    if (sameAs(cookbook)) {
      return wrong(`wrong symmetric convention: yours is the Matrix Cookbook's 2G − diag(diag(G)); matdiff's is the symmetric gradient G = (Gᵤ + Gᵤᵀ)/2 of the unconstrained Gᵤ`);
    }
    if (compareNumerically(problem, scale(Q.rat(1, 2), add([claimed, transpose(claimed)])), correct, o).equal) {
      return wrong("wrong symmetric convention: yours is an unconstrained gradient; its symmetric part (G + Gᵀ)/2 is the answer");
    }
  }
  if (eq.maxRelError === Infinity) return wrong("yours is undefined where the correct gradient is defined");
  return wrong(`differs from the correct gradient (relative error ${eq.maxRelError.toExponential(1)})`);
}

export type Equality = {
  equal: boolean;
  how: "symbolic" | "numeric";
  points: number;
  kinds: PointKind[];
  maxRelError: number;
  inconclusive: boolean;
  /** Where they differ: the point's values and both sides there. */
  counterexample?: string;
};

/** a = b: proved on the canonical forms where possible, else compared at points of every kind. */
export function verifyEqual(problem: Problem, a: Expr, b: Expr, opts: CheckOptions = {}): Equality {
  if (symbolicallyEqual(a, b)) return { equal: true, how: "symbolic", points: 0, kinds: [], maxRelError: 0, inconclusive: false };
  const c = compareNumerically(problem, a, b, { points: CLAIM_POINTS, ...opts });
  return {
    equal: c.equal,
    how: "numeric",
    points: c.points,
    kinds: c.kinds,
    maxRelError: c.maxRelError,
    inconclusive: c.inconclusive,
    ...(c.counterexample ? { counterexample: counterexampleText(problem, [a, b], c.counterexample, ["left", "right"]) } : {}),
  };
}

// ---------------------------------------------------------------- counterexamples

/** The declared variables an expression depends on, through definitions too, in declaration order. */
function variablesOf(problem: Problem, exprs: readonly Expr[]): VarInfo[] {
  const names = new Set<string>();
  forEachDistinct(exprs, (e) => {
    if ((e.kind === "sym" && e.role === "var") || e.kind === "partial") names.add(e.name);
    const def = e.kind === "sym" && e.role === "def" ? problem.defsByName.get(e.name) : undefined;
    return def ? [def.body] : undefined;
  });
  return [...problem.vars.values()].filter((v) => names.has(v.name));
}

const num = (x: number) => Number(x.toPrecision(3)).toString();

function matrixText(a: Matrix | undefined): string {
  if (a === undefined) return "undefined";
  if (a.length === 1 && a[0]!.length === 1) return num(a[0]![0]!);
  if (a[0]!.length === 1) return `[${a.map((r) => num(r[0]!)).join(", ")}]`;
  return `[${a.map((r) => r.map(num).join(", ")).join("; ")}]`;
}

/** "at s = -0.731 (t = 1.2): A = 0, B = -0.731". */
function counterexampleText(problem: Problem, exprs: readonly Expr[], c: { env: Env; a: Matrix | undefined; b: Matrix | undefined }, labels: [string, string]): string {
  const vars = variablesOf(problem, exprs);
  const at = vars.map((v) => `${v.name} = ${matrixText(c.env.values.get(v.name))}`).join(", ");
  const dims = [...c.env.dims].filter(([n]) => vars.some((v) => v.shape.includes(n))).map(([n, k]) => `${n} = ${k}`);
  return `at ${at || "any point"}${dims.length ? ` (${dims.join(", ")})` : ""}: ${labels[0]} = ${matrixText(c.a)}, ${labels[1]} = ${matrixText(c.b)}`;
}
