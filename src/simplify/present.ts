// The presentation phase: from the canonical answer, try a few exact rewrites and keep the
// smallest (node count; ties keep the earlier, less rewritten form). Each rewrite that can grow the
// tree runs under a size budget and gives up when the budget runs out.
//
//   factor      common scalar / left / right factors out of sums (factor.ts)
//   distribute  products and Hadamard products over sums, so terms can cancel:
//               p ⊙ (1 − p) ⊙ ((1 − y) ⊘ (1 − p) − y ⊘ p)  →  p − y
//   inverses    (ABC)⁻¹ = C⁻¹B⁻¹A⁻¹ when every factor is square, so A·A⁻¹ can cancel

import { add, hadamard, inv, mul, pow, numMinus1 } from "../expr/build.js";
import { isScalar, type Expr } from "../expr/expr.js";
import { mapBottomUp } from "../expr/transform.js";
import { factorCommon } from "./factor.js";
import { displayCost } from "./cost.js";

/** A rewrite may grow the answer to this many times its size before it is abandoned. */
export const GROWTH_BUDGET = 4;
/** ... but never past 4 × this many nodes: distributing a big answer would not make it smaller. */
const MAX_BUDGET_BASE = 5000;

export interface PhaseReport {
  phase: "factor" | "distribute" | "inverses";
  outcome: "kept" | "not smaller" | "budget exhausted" | "not applicable";
}

class BudgetExhausted extends Error {}

/** Cartesian expansion of a product-like node whose factors include sums. */
function expandFactors(factors: readonly Expr[], splits: (f: Expr) => boolean, make: (fs: Expr[]) => Expr, limit: number): Expr {
  let partials: Expr[][] = [[]];
  for (const f of factors) {
    const choices = splits(f) ? f.args : [f];
    const next: Expr[][] = [];
    for (const p of partials) for (const c of choices) next.push([...p, c]);
    if (next.length > limit) throw new BudgetExhausted();
    partials = next;
  }
  return add(partials.map(make));
}

/** A sum with a quotient among its terms: distributing over it lets factors cancel. */
const hasQuotient = (f: Expr) => f.kind === "add" && f.args.some((t) => t.kind === "hdiv" || (t.kind === "mul" && t.args.some((g) => g.kind === "hdiv")));

/**
 * Distribute products and Hadamard products over sums (only over sums of quotients when
 * `onlyQuotients`: A ⊙ (N ⊘ D + …) = (A ⊙ N) ⊘ D + …, so that D can cancel before it is split).
 */
export function distribute(e: Expr, onlyQuotients = false, budget = GROWTH_BUDGET * Math.min(e.size, MAX_BUDGET_BASE)): Expr | undefined {
  const splits = (f: Expr) => (onlyQuotients ? hasQuotient(f) : f.kind === "add");
  try {
    return mapBottomUp(e, (x) => {
      let r = x;
      if (x.kind === "mul" && x.args.some(splits)) r = expandFactors(x.args, splits, mul, budget);
      else if (x.kind === "hadamard" && x.args.some(splits)) r = expandFactors(x.args, splits, hadamard, budget);
      if (r.size > budget) throw new BudgetExhausted();
      return r;
    });
  } catch (err) {
    if (err instanceof BudgetExhausted) return undefined;
    throw err;
  }
}

/** (ABC)⁻¹ = C⁻¹B⁻¹A⁻¹ when every matrix factor is square; scalars invert on their own. */
export function expandInverses(e: Expr): Expr {
  return mapBottomUp(e, (x) => {
    if (x.kind !== "inv" || x.args[0]!.kind !== "mul") return x;
    const factors = x.args[0]!.args;
    const chain = factors.filter((f) => !isScalar(f));
    if (chain.length < 2 || !chain.every((f) => f.shape[0] === f.shape[1])) return x;
    const scalars = factors.filter(isScalar).map((s) => pow(s, numMinus1));
    return mul([...scalars, ...[...chain].reverse().map(inv)]);
  });
}

export function present(e: Expr): { expr: Expr; report: PhaseReport[] } {
  const report: PhaseReport[] = [];
  let best = factorCommon(e);
  report.push({ phase: "factor", outcome: best.size < e.size ? "kept" : "not smaller" });
  const consider = (phase: PhaseReport["phase"], candidate: Expr | undefined) => {
    if (candidate === undefined) return report.push({ phase, outcome: "budget exhausted" });
    const c = factorCommon(candidate);
    if (displayCost(c) < displayCost(best)) {
      best = c;
      report.push({ phase, outcome: "kept" });
    } else report.push({ phase, outcome: "not smaller" });
  };
  const quotients = distribute(e, true);
  consider("distribute", quotients);
  if (quotients) consider("distribute", distribute(quotients));
  // with no quotient to distribute over, quotients is e itself: its full distribution was just
  // considered, and a second look at the same candidate cannot change the choice
  if (quotients !== e) consider("distribute", distribute(e));
  const inverted = expandInverses(e);
  if (inverted === e) report.push({ phase: "inverses", outcome: "not applicable" });
  else {
    consider("inverses", inverted);
    consider("distribute", distribute(inverted));
  }
  return { expr: best, report };
}
