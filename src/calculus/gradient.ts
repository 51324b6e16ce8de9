// grad f wrt X: df as a linear expression, read off as Σ Gᵢ : dX.
//
// Definitions are intermediates, as in a hand derivation: dℓ = G_K : dK collects everything that
// flows into K first, then G_K : dK is pushed through dK = d(body of K). Definitions are visited in
// reverse order, so all contributions to K are in before K's own differential is read off. The
// answer is written with the user's names (K stays K).

import { add, isSymmetric, num1, scale, transpose, zeros } from "../expr/build.js";
import type { Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import { foldBodies } from "../expr/transform.js";
import { COMPONENT_INDEX, DifferentialContext } from "./differential.js";
import { componentName } from "../expr/expr.js";
import { fail } from "../diagnostics/diagnostic.js";
import { readoff, type Contributions } from "./readoff.js";
import { factorCommon } from "../simplify/factor.js";

export interface GradientResult {
  wrt: VarInfo;
  /** The gradient (for jacobian, hessian and differential queries, that query's result). */
  value: Expr;
  /** df as first written, before any read-off (for derivations). */
  differential: Expr;
  /** For a vector parameter reached only through NAME(θ) declarations: `value` is component k. */
  component?: string;
}

export function gradient(problem: Problem, f: Expr, wrt: VarInfo): GradientResult {
  const ctx = new DifferentialContext(problem, wrt.name);
  const df = ctx.d(f);
  const contributions: Contributions = new Map();
  readoff(num1, df, contributions);
  for (let i = problem.defs.length - 1; i >= 0; i--) {
    const def = problem.defs[i]!;
    const g = contributions.get(def.name);
    if (!g) continue;
    // G_K's terms share their factors (G_{k+1}·2k + G_{k+1}·cos k): factored, a chain of n
    // definitions gives an answer of size n, not 2ⁿ
    const gK = factorCommon(add(g));
    readoff(gK, ctx.d(def.body), contributions);
  }
  const parts = contributions.get(wrt.name);
  const componentParts = contributions.get(componentName(wrt.name, COMPONENT_INDEX));
  if (componentParts) {
    // θ reached through Σ(θ): the answer is ∂f/∂θ_k, written with partial(Σ, θ, k)
    if (parts) {
      fail("unsupported", `${wrt.name} is used both directly and through functions of it; its gradient would need its components written out`);
    }
    return { wrt, value: foldDefinitions(problem, add(componentParts)), differential: df, component: COMPONENT_INDEX };
  }
  let G = parts ? add(parts) : zeros(wrt.shape);
  if (wrt.sym.symmetric && !isSymmetric(G)) {
    // The symmetric gradient: the unique symmetric G with df = tr(G dX) for symmetric dX.
    G = scale(Q.rat(1, 2), add([G, transpose(G)]));
  }
  return { wrt, value: foldDefinitions(problem, G), differential: df };
}

/** sigmoid(X*w) in an answer is p when the user defined p = sigmoid(X*w). */
export function foldDefinitions(problem: Problem, e: Expr): Expr {
  const bodies = new Map<Expr, Expr>();
  for (const d of problem.defs) if (d.body.size > 1) bodies.set(d.body, d.sym);
  return foldBodies(e, bodies);
}
