// What each binary operator of the language builds. Shared by the resolver (user input) and the
// rule templates (identity tables), so both read `A ./ B` the same way.

import { addB, div, epow, frobenius, hadamard, hdiv, kron, mul, pow, subB } from "./build.js";
import type { Expr } from "./expr.js";
import type { BinOp } from "../parse/surface.js";

export const BINARY_BUILDERS: Record<BinOp, (a: Expr, b: Expr) => Expr> = {
  "+": addB,
  "-": subB,
  "*": (a, b) => mul([a, b]),
  "/": div,
  ".*": (a, b) => hadamard([a, b]),
  "./": hdiv,
  ".^": epow,
  "^": pow,
  ":": frobenius,
  "⊗": kron,
};
