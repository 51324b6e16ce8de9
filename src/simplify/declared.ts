// What declarations say beyond shapes, used on answers: a `simplex` variable's columns sum to 1.
//   sum(y) = 1, sum(Y) = N for Y : simplex(k, N), 𝟏ᵀY = 𝟏ᵀ (𝟏𝟏ᵀY = 𝟏𝟏ᵀ) and Yᵀ𝟏 = 𝟏
// so the softmax cross-entropy reads (s − y)xᵀ and its batch form (P − Y)Xᵀ, as for one-hot labels.

import { dimValue, mul, ones } from "../expr/build.js";
import type { Expr } from "../expr/expr.js";
import { mapBottomUp } from "../expr/transform.js";
import type { Problem } from "../parse/resolve.js";

export function foldDeclaredFacts(problem: Problem, e: Expr): Expr {
  const simplex = new Set<Expr>([...problem.vars.values()].filter((v) => v.typeKind === "simplex").map((v) => v.sym));
  if (simplex.size === 0) return e;
  return mapBottomUp(e, (x) => {
    if (x.kind === "apply" && x.fn === "sum" && simplex.has(x.args[0]!)) return dimValue(x.args[0]!.shape[1]);
    if (x.kind !== "mul") return x;
    const out: Expr[] = [];
    let changed = false;
    for (const f of x.args) {
      const prev = out.length > 0 ? out[out.length - 1] : undefined;
      if (prev?.kind === "ones" && simplex.has(f)) {
        // 𝟏ᵀY = 𝟏ᵀ (and 𝟏𝟏ᵀY = 𝟏𝟏ᵀ): every column sums to 1
        out[out.length - 1] = ones([prev.shape[0], f.shape[1]]);
        changed = true;
      } else if (f.kind === "ones" && prev?.kind === "transpose" && simplex.has(prev.args[0]!)) {
        // Yᵀ𝟏 = 𝟏
        out[out.length - 1] = ones([prev.shape[0], f.shape[1]]);
        changed = true;
      } else out.push(f);
    }
    return changed ? mul(out) : x;
  });
}
