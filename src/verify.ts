// Checking a user's own work: is a hand-derived gradient right, and if not, what is wrong with it;
// are two expressions equal. Symbolic where the canonical forms already agree, numeric otherwise
// (random points, as --check), and always said which.

import { add, applyFn, mul, scale, sub, transpose } from "./expr/build.js";
import type { Expr } from "./expr/expr.js";
import * as Q from "./expr/rational.js";
import type { Problem, VarInfo } from "./parse/resolve.js";
import { compareNumerically, samplePoints, type CheckOptions } from "./evaluate/check.js";
import { factorCommon } from "./simplify/factor.js";
import type { Matrix } from "./evaluate/numeric.js";

export type Verdict =
  | { right: true; how: "symbolic" | "numeric"; points: number }
  | { right: false; inconclusive?: boolean; diagnosis: string; points: number };

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
function constantRatio(pairs: Matrix[][]): number | undefined {
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

/**
 * Is `claimed` the gradient of f with respect to x? `correct` is the engine's gradient (with no
 * engine definitions left in it); `show` prints an expression for the diagnosis.
 */
export function verifyGradient(
  problem: Problem,
  x: VarInfo,
  claimed: Expr,
  correct: Expr,
  show: (e: Expr) => string,
  opts: CheckOptions = {},
): Verdict {
  const o = { points: 3, ...opts };
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
  if (eq.equal) return { right: true, how: symbolicallyEqual(claimed, correct) ? "symbolic" : "numeric", points: eq.points };

  const sameAs = (e: Expr) => compareNumerically(problem, claimed, e, o).equal;
  // transposed (square X)
  if (claimed.shape[0] === claimed.shape[1] && sameAs(transpose(correct))) {
    return { right: false, diagnosis: "transposed: yours is the transpose of the correct gradient", points: eq.points };
  }
  // off by a constant factor
  const c = constantRatio(samplePoints(problem, [claimed, correct], o));
  if (c !== undefined && Math.abs(c) > 1e-12) {
    return { right: false, diagnosis: `off by a factor of ${describeFactor(c)}: yours is ${describeFactor(c)} times the correct gradient`, points: eq.points };
  }
  // a missing, extra or sign-flipped term
  for (const t of terms(correct)) {
    if (sameAs(sub(correct, t))) return { right: false, diagnosis: `missing term: ${show(t)}`, points: eq.points };
    if (sameAs(sub(correct, scale(Q.rat(2), t)))) return { right: false, diagnosis: `wrong sign of the term ${show(t)}`, points: eq.points };
  }
  for (const t of terms(claimed)) {
    if (compareNumerically(problem, sub(claimed, t), correct, o).equal) return { right: false, diagnosis: `extra term: ${show(t)}`, points: eq.points };
  }
  // symmetric conventions
  if (x.sym.symmetric && x.shape[0] !== 1) {
    const cookbook = sub(scale(Q.rat(2), correct), applyFn("diagm", [applyFn("diagv", [correct])]));
    if (sameAs(cookbook)) {
      return {
        right: false,
        diagnosis: `wrong symmetric convention: yours is the Matrix Cookbook's 2G − diag(diag(G)); matdiff's is the symmetric gradient G = (Gᵤ + Gᵤᵀ)/2 of the unconstrained Gᵤ`,
        points: eq.points,
      };
    }
    if (compareNumerically(problem, scale(Q.rat(1, 2), add([claimed, transpose(claimed)])), correct, o).equal) {
      return {
        right: false,
        diagnosis: "wrong symmetric convention: yours is an unconstrained gradient; its symmetric part (G + Gᵀ)/2 is the answer",
        points: eq.points,
      };
    }
  }
  return { right: false, diagnosis: `differs from the correct gradient (relative error ${eq.maxRelError.toExponential(1)})`, points: eq.points };
}

export type Equality = { equal: boolean; how: "symbolic" | "numeric"; points: number; maxRelError: number; inconclusive: boolean };

export function verifyEqual(problem: Problem, a: Expr, b: Expr, opts: CheckOptions = {}): Equality {
  if (symbolicallyEqual(a, b)) return { equal: true, how: "symbolic", points: 0, maxRelError: 0, inconclusive: false };
  const c = compareNumerically(problem, a, b, { points: 5, ...opts });
  return { equal: c.equal, how: "numeric", points: c.points, maxRelError: c.maxRelError, inconclusive: c.inconclusive };
}
