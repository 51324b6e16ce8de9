// The code generator's intermediate form: numerical operations (solve with a factor, trace of a
// product as an elementwise sum, a diagonal as a broadcast), not mathematical ones. Nodes are
// hash-consed per program, so a subexpression shared by the value and the gradients is computed
// once, and each node knows its own flop count.

import type { Dim, Shape } from "../expr/shape.js";
import { addPoly, monomial, ZERO_POLY, type Poly } from "./poly.js";

/** Elementwise functions every target writes in a numerically stable form. */
export type ElementFn = "exp" | "log" | "sqrt" | "sin" | "cos" | "tan" | "tanh" | "sigmoid" | "softplus" | "logsigmoid" | "relu" | "step" | "abs";

export type Op =
  | { op: "param"; name: string }
  | { op: "num"; value: number }
  | { op: "dim"; name: string }
  | { op: "pi" }
  | { op: "eye" }
  | { op: "ones" }
  | { op: "zeros" }
  /** A user's or the engine's definition: computed once under its own name. */
  | { op: "named"; name: string }
  | { op: "add" }
  | { op: "sub" }
  | { op: "neg" }
  /** Elementwise product (a scalar operand broadcasts). */
  | { op: "emul" }
  | { op: "ediv" }
  | { op: "epow" }
  | { op: "matmul" }
  | { op: "transpose" }
  | { op: "fn"; fn: ElementFn }
  /** Sum of all entries (a scalar). */
  | { op: "sum" }
  /** Row sums r×c → r×1, column sums r×c → 1×c. */
  | { op: "sumRows" }
  | { op: "sumCols" }
  | { op: "trace" }
  | { op: "diagv" }
  | { op: "diagm" }
  | { op: "vec" }
  | { op: "kron" }
  /** The entry of a 1×1 array, as a scalar. */
  | { op: "item" }
  | { op: "chol" }
  | { op: "lu" }
  /** A⁻¹B (or A⁻ᵀB with trans) from a factor of A: args [factor, B]. */
  | { op: "solve"; trans: boolean }
  | { op: "inverse" }
  | { op: "logdet" }
  | { op: "det" }
  | { op: "matpow"; k: number }
  | { op: "logsumexp" }
  | { op: "norm2" };

export type OpName = Op["op"];

export interface Node {
  readonly id: number;
  readonly op: Op;
  readonly args: readonly Node[];
  readonly shape: Shape;
  /** The flops of this operation alone. */
  readonly flops: Poly;
}

export const isScalarNode = (n: Node): boolean => n.shape[0] === 1 && n.shape[1] === 1;

/** Elementwise work is counted once per entry; functions too (exp costs more, but not n³ more). */
function ownFlops(op: Op, args: readonly Node[], shape: Shape): Poly {
  const [r, c] = shape;
  const entries = monomial(1, r, c);
  const a0 = args[0];
  switch (op.op) {
    case "param":
    case "num":
    case "dim":
    case "pi":
    case "eye":
    case "ones":
    case "zeros":
    case "named":
    case "transpose":
    case "item":
    case "vec":
    case "diagm":
    case "diagv":
      return ZERO_POLY;
    case "add":
    case "sub":
    case "neg":
    case "emul":
    case "ediv":
    case "epow":
    case "fn":
    case "kron":
      return entries;
    case "sum":
    case "sumRows":
    case "sumCols":
    case "logsumexp":
    case "norm2":
      return monomial(1, a0!.shape[0], a0!.shape[1]);
    case "trace":
    case "logdet":
    case "det":
      return monomial(1, a0!.shape[0]);
    case "matmul":
      return monomial(2, args[0]!.shape[0], args[0]!.shape[1], args[1]!.shape[1]);
    case "chol":
      return monomial(1 / 3, r, r, r);
    case "lu":
      return monomial(2 / 3, r, r, r);
    case "solve":
      return monomial(2, a0!.shape[0], a0!.shape[0], args[1]!.shape[1]);
    case "inverse":
      // from the factor, as LAPACK's potri (2n³/3) and getri (4n³/3) compute it
      return monomial(args[0]!.op.op === "chol" ? 2 / 3 : 4 / 3, r, r, r);
    case "matpow":
      return monomial(2 * Math.max(0, op.k - 1), r, r, r);
  }
}

function opKey(op: Op): string {
  switch (op.op) {
    case "param":
    case "named":
    case "dim":
      return `${op.op}:${op.name}`;
    case "num":
      return `num:${op.value}`;
    case "fn":
      return `fn:${op.fn}`;
    case "solve":
      return `solve:${op.trans}`;
    case "matpow":
      return `matpow:${op.k}`;
    default:
      return op.op;
  }
}

/** One program's node table. */
export class Graph {
  private readonly table = new Map<string, Node>();
  private nextId = 1;

  make(op: Op, args: readonly Node[], shape: Shape): Node {
    const key = `${opKey(op)}|${String(shape[0])}x${String(shape[1])}|${args.map((a) => a.id).join(",")}`;
    const hit = this.table.get(key);
    if (hit) return hit;
    const n: Node = { id: this.nextId++, op, args, shape, flops: ownFlops(op, args, shape) };
    this.table.set(key, n);
    return n;
  }
}

/** Flops of everything reachable from the roots, each distinct node once. */
export function totalFlops(roots: readonly Node[]): Poly {
  const seen = new Set<Node>();
  let total: Poly = ZERO_POLY;
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    total = addPoly(total, n.flops);
    stack.push(...n.args);
  }
  return total;
}

export type { Dim };
