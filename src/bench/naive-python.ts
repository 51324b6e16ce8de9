// The baselines of `npm run bench:code`, written from the same formulas: (a) the export style of
// matrixcalculus.org (explicit inverses, products left to right, log(det(·))), and (b) the value
// alone in PyTorch, for torch.autograd to differentiate.

import { assertNever, type Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";

type Module = "np" | "torch";

function fn(mod: Module, name: string, a: string): string {
  const m = mod === "np" ? "np" : "torch";
  switch (name) {
    case "det":
      return `${m}.linalg.det(${a})`;
    case "logdet":
      return `${m}.log(${m}.linalg.det(${a}))`;
    case "tr":
      return `${m}.trace(${a})`;
    case "sum":
      return `${m}.sum(${a})`;
    case "norm2":
      return `${m}.linalg.norm(${a})`;
    case "norm1":
      return `${m}.sum(${m}.abs(${a}))`;
    case "logsumexp":
      return `${m}.log(${m}.sum(${m}.exp(${a})))`;
    case "softmax":
      return `(${m}.exp(${a}) / ${m}.sum(${m}.exp(${a})))`;
    case "diagm":
      return mod === "np" ? `np.diag((${a}).ravel())` : `torch.diag((${a}).reshape(-1))`;
    case "diagv":
      return `${m}.diag(${a}).reshape(-1, 1)`;
    case "vec":
      return `(${a}).T.reshape(-1, 1)`;
    case "sigmoid":
      return `(1 / (1 + ${m}.exp(-(${a}))))`;
    case "softplus":
      return `${m}.log(1 + ${m}.exp(${a}))`;
    case "logsigmoid":
      return `(-${m}.log(1 + ${m}.exp(-(${a}))))`;
    case "step":
      return `(${a} > 0) * 1.0`;
    case "relu":
      return mod === "np" ? `np.maximum(${a}, 0)` : `torch.relu(${a})`;
    default:
      return `${m}.${name}(${a})`;
  }
}

/** A Python expression for e, as a literal transcription (inverses explicit, left-to-right products). */
export function naivePython(e: Expr, mod: Module, dims: (d: string | number) => string): string {
  const m = mod === "np" ? "np" : "torch";
  const go = (x: Expr): string => {
    const a = x.args.map(go);
    switch (x.kind) {
      case "num":
        return `(${Q.toNumber(x.value)})`;
      case "sym":
        return x.role === "dim" ? dims(x.name) : x.role === "const" ? `${m}.pi` : x.name;
      case "eye":
        return `${m}.eye(${dims(x.shape[0])}${mod === "torch" ? ", dtype=torch.float64" : ""})`;
      case "ones":
      case "zeros":
        return `${m}.${x.kind}((${dims(x.shape[0])}, ${dims(x.shape[1])})${mod === "torch" ? ", dtype=torch.float64" : ""})`;
      case "add":
        return `(${a.join(" + ")})`;
      case "mul":
        return `(${x.args.map((f, i) => (f.shape[0] === 1 && f.shape[1] === 1 && f.kind !== "num" && f.kind !== "sym" ? `(${a[i]}).reshape(())` : a[i])).reduce((acc, t, i) => (i === 0 ? t : `${acc} ${x.args[i - 1]!.shape[0] === 1 && x.args[i - 1]!.shape[1] === 1 || x.args[i]!.shape[0] === 1 && x.args[i]!.shape[1] === 1 ? "*" : "@"} ${t}`), "")})`;
      case "transpose":
        return `(${a[0]}).T`;
      case "inv":
        return `${m}.linalg.inv(${a[0]})`;
      case "pow":
        return x.args[0]!.shape[0] === 1 ? `((${a[0]}) ** (${a[1]}))` : `${m}.linalg.matrix_power(${a[0]}, int(${a[1]}))`;
      case "hadamard":
        return `(${a.join(" * ")})`;
      case "hdiv":
        return `(${a[0]} / ${a[1]})`;
      case "epow":
        return `(${a[0]} ** ${a[1]})`;
      case "kron":
        return `${m}.kron(${a[0]}, ${a[1]})`;
      case "apply":
        return fn(mod, x.fn, a[0]!);
      case "dvar":
      case "partial":
        throw new Error("no baseline for differentials");
      default:
        return assertNever(x);
    }
  };
  return go(e);
}
