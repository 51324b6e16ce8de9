// What an answer costs a reader: the measure presentation minimises (present.ts, factor.ts).

import { GenerationMap, type Expr } from "../expr/expr.js";

/**
 * What a reader pays for an answer: nodes, except that a name with its inverse or transpose (K⁻¹,
 * Xᵀ, X⁻ᵀ) is one symbol on the page.
 */
const costs = new GenerationMap<number>();
const SIGN_COST = 0.5;

/** Memoised per node: presentation asks for the cost of every candidate at every sum. */
export function displayCost(e: Expr): number {
  let c = costs.get(e);
  if (c === undefined) {
    c = computeCost(e);
    costs.set(e, c);
  }
  return c;
}

function computeCost(e: Expr): number {
  const leaf = (x: Expr) => x.args.length === 0;
  if (leaf(e)) return 1;
  if ((e.kind === "inv" || e.kind === "transpose") && leaf(e.args[0]!)) return 1;
  if (e.kind === "transpose" && e.args[0]!.kind === "inv" && leaf(e.args[0]!.args[0]!)) return 1;
  // a coefficient −1 is a sign. In a product with a sum the printer moves it into the sum
  // (−A(−diag(s) + ssᵀ) reads A(diag(s) − ssᵀ)), so there it costs nothing; elsewhere it is the
  // sum's operator or a leading minus, cheaper than a factor
  const isSign = (a: Expr) => e.kind === "mul" && a.kind === "num" && a.value.num === -1 && a.value.den === 1;
  const signCost = e.args.some((a) => a.kind === "add") ? 0 : SIGN_COST;
  return 1 + e.args.reduce((n, a) => n + (isSign(a) ? signCost : displayCost(a)), 0);
}
