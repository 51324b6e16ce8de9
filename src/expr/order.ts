// A total structural order on expressions, used to sort sums and the scalar factors of products.
// It never looks at node ids (creation order), so the same problem gives the same bytes whatever
// order the user wrote its terms in.

import { assertNever, type Expr, type Kind } from "./expr.js";
import { compare as compareRational } from "./rational.js";
import { tick } from "../budget.js";

const RANK: Record<Kind, number> = {
  num: 0,
  sym: 1,
  dvar: 2,
  partial: 2.5,
  eye: 3,
  ones: 4,
  zeros: 5,
  apply: 6,
  inv: 7,
  pow: 8,
  transpose: 9,
  mul: 10,
  hadamard: 11,
  hdiv: 12,
  epow: 13,
  kron: 14,
  add: 15,
};

const ROLE_RANK = { const: -1, dim: 0, var: 1, def: 2 } as const;

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareExpr(a: Expr, b: Expr): number {
  if (a === b) return 0;
  tick();
  if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
  const own = compareOwn(a, b);
  if (own !== 0) return own;
  const s = cmpStr(String(a.shape[0]), String(b.shape[0])) || cmpStr(String(a.shape[1]), String(b.shape[1]));
  if (s !== 0) return s;
  const n = Math.min(a.args.length, b.args.length);
  for (let i = 0; i < n; i++) {
    const c = compareExpr(a.args[i]!, b.args[i]!);
    if (c !== 0) return c;
  }
  return a.args.length - b.args.length;
}

/** Compare the data a node carries besides its children (both nodes have the same kind). */
function compareOwn(a: Expr, b: Expr): number {
  switch (a.kind) {
    case "num":
      return compareRational(a.value, (b as typeof a).value);
    case "sym": {
      const o = b as typeof a;
      return ROLE_RANK[a.role] - ROLE_RANK[o.role] || cmpStr(a.name, o.name);
    }
    case "dvar":
      return cmpStr(a.name, (b as typeof a).name);
    case "partial": {
      const o = b as typeof a;
      return cmpStr(a.name, o.name) || cmpStr(a.param, o.param) || cmpStr(a.index ?? "", o.index ?? "");
    }
    case "apply":
      return cmpStr(a.fn, (b as typeof a).fn);
    case "eye":
    case "ones":
    case "zeros":
    case "add":
    case "mul":
    case "transpose":
    case "inv":
    case "pow":
    case "hadamard":
    case "hdiv":
    case "epow":
    case "kron":
      return 0;
    default:
      return assertNever(a);
  }
}

export function compareLists(a: readonly Expr[], b: readonly Expr[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareExpr(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
