// NumPy (+ SciPy), JAX and PyTorch: one Python family, three module vocabularies.
// Arrays are 2-D inside the function (a vector is n×1); scalars are 0-d. JAX code is pure (no
// in-place updates, no branching on values) so it runs under jit; PyTorch code works in float64
// on the arguments' device.

import type { Dim } from "../../expr/shape.js";
import type { Node } from "../ir.js";
import { atom, infixArithmetic, numberCode, operand, PREC, type Code, type FunctionParts, type InfixSymbols, type Lang, type Param, type Target } from "../target.js";

const PYTHON_KEYWORDS = [
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
  "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
  "return", "try", "while", "with", "yield", "match", "case", "float", "int", "len", "math", "print", "range", "type",
];

interface Vocabulary {
  lang: Lang;
  imports: string[];
  /** Module-level helpers, written only when the code uses them. */
  helpers?: Record<string, string>;
  /** Module prefix for array functions. */
  xp: string;
  reserved: string[];
  convert: (name: string) => string;
  eye: (n: string) => string;
  full: (fn: "ones" | "zeros", r: string, c: string) => string;
  pi: string;
  fn: Record<string, (a: string) => string>;
  sum: (a: string) => string;
  sumAxis: (a: string, axis: 0 | 1) => string;
  trace: (a: string) => string;
  diagv: (a: string) => string;
  diagm: (a: string) => string;
  chol: (a: string) => string;
  lu: (a: string) => string;
  solve: (kind: "chol" | "lu", f: string, b: string, trans: boolean) => string;
  inverse: (kind: "chol" | "lu", f: string, n: string) => string;
  logdet: (kind: "chol" | "lu", f: string) => string;
  det: (kind: "chol" | "lu", f: string, n: string) => string;
  matpow: (a: string, k: number) => string;
  logsumexp: (a: string) => string;
  norm2: (a: string) => string;
  kron: (a: string, b: string) => string;
  /** The shape of an array, as a tuple (for messages). */
  shape: (a: string) => string;
  /** How many entries an array has. */
  size: (a: string) => string;
}


const numpyLike = (xp: string, linalg: string, special: string): Omit<Vocabulary, "lang" | "imports" | "reserved" | "convert"> => ({
  xp,
  eye: (n) => `${xp}.eye(${n})`,
  full: (fn, r, c) => `${xp}.${fn}((${r}, ${c}))`,
  pi: `${xp}.pi`,
  fn: {
    exp: (a) => `${xp}.exp(${a})`,
    log: (a) => `${xp}.log(${a})`,
    sqrt: (a) => `${xp}.sqrt(${a})`,
    sin: (a) => `${xp}.sin(${a})`,
    cos: (a) => `${xp}.cos(${a})`,
    tan: (a) => `${xp}.tan(${a})`,
    tanh: (a) => `${xp}.tanh(${a})`,
    abs: (a) => `${xp}.abs(${a})`,
    sigmoid: (a) => `${special}.expit(${a})`,
    softplus: (a) => `${xp}.logaddexp(0.0, ${a})`,
    logsigmoid: (a) => `-${xp}.logaddexp(0.0, -(${a}))`,
    relu: (a) => `${xp}.maximum(${a}, 0.0)`,
    step: (a) => `${xp}.heaviside(${a}, 0.0)`,
  },
  sum: (a) => `${xp}.sum(${a})`,
  sumAxis: (a, axis) => `${xp}.sum(${a}, axis=${axis}, keepdims=True)`,
  trace: (a) => `${xp}.trace(${a})`,
  diagv: (a) => `${xp}.diagonal(${a})[:, None]`,
  diagm: (a) => `${xp}.diagflat(${a})`,
  chol: (a) => `${linalg}.cho_factor(${a}, lower=True)`,
  lu: (a) => `${linalg}.lu_factor(${a})`,
  solve: (kind, f, b, trans) => (kind === "chol" ? `${linalg}.cho_solve(${f}, ${b})` : `${linalg}.lu_solve(${f}, ${b}${trans ? ", trans=1" : ""})`),
  inverse: (kind, f, n) => (kind === "chol" ? `${linalg}.cho_solve(${f}, ${xp}.eye(${n}))` : `${linalg}.lu_solve(${f}, ${xp}.eye(${n}))`),
  logdet: (kind, f) => (kind === "chol" ? `2.0 * ${xp}.sum(${xp}.log(${xp}.diagonal(${f}[0])))` : `${xp}.sum(${xp}.log(${xp}.abs(${xp}.diagonal(${f}[0]))))`),
  det: (kind, f, n) =>
    kind === "chol"
      ? `${xp}.prod(${xp}.diagonal(${f}[0])) ** 2`
      : `${xp}.prod(${xp}.diagonal(${f}[0])) * (-1.0) ** ${xp}.sum(${f}[1] != ${xp}.arange(${n}))`,
  matpow: (a, k) => `${xp}.linalg.matrix_power(${a}, ${k})`,
  logsumexp: (a) => `${special}.logsumexp(${a})`,
  norm2: (a) => `${xp}.linalg.norm(${a})`,
  kron: (a, b) => `${xp}.kron(${a}, ${b})`,
  shape: (a) => `${a}.shape`,
  size: (a) => `${a}.size`,
});

const NUMPY: Vocabulary = {
  lang: "numpy",
  imports: ["import numpy as np", "import scipy.linalg", "import scipy.linalg.lapack", "import scipy.special"],
  reserved: ["np", "scipy", "_symmetric_from_lower"],
  convert: (name) => `np.asarray(${name}, dtype=float)`,
  ...numpyLike("np", "scipy.linalg", "scipy.special"),
  helpers: {
    _symmetric_from_lower: [
      "def _symmetric_from_lower(a):",
      '    """The symmetric matrix whose lower triangle is that of a (LAPACK computes one triangle)."""',
      "    return np.tril(a) + np.tril(a, -1).T",
    ].join("\n"),
  },
  // the whole inverse from the factor, as LAPACK computes it: potri (2n³/3, lower triangle,
  // mirrored) and getri (4n³/3), not n solves (2n³)
  inverse: (kind, f) =>
    kind === "chol"
      ? `_symmetric_from_lower(scipy.linalg.lapack.dpotri(${f}[0], lower=1)[0])`
      : `scipy.linalg.lapack.dgetri(${f}[0], ${f}[1])[0]`,
};

const JAX: Vocabulary = {
  lang: "jax",
  imports: ["import jax.numpy as jnp", "import jax.scipy.linalg", "import jax.scipy.special"],
  reserved: ["jnp", "jax"],
  convert: (name) => `jnp.asarray(${name}, dtype=float)`,
  ...numpyLike("jnp", "jax.scipy.linalg", "jax.scipy.special"),
};

const TORCH: Vocabulary = {
  lang: "torch",
  imports: ["import math", "import torch"],
  reserved: ["torch", "math"],
  convert: (name) => `torch.as_tensor(${name}, dtype=torch.float64, device=_device)`,
  xp: "torch",
  eye: (n) => `torch.eye(${n}, dtype=torch.float64, device=_device)`,
  full: (fn, r, c) => `torch.${fn}((${r}, ${c}), dtype=torch.float64, device=_device)`,
  pi: "math.pi",
  fn: {
    exp: (a) => `torch.exp(${a})`,
    log: (a) => `torch.log(${a})`,
    sqrt: (a) => `torch.sqrt(${a})`,
    sin: (a) => `torch.sin(${a})`,
    cos: (a) => `torch.cos(${a})`,
    tan: (a) => `torch.tan(${a})`,
    tanh: (a) => `torch.tanh(${a})`,
    abs: (a) => `torch.abs(${a})`,
    sigmoid: (a) => `torch.sigmoid(${a})`,
    softplus: (a) => `torch.logaddexp(torch.zeros_like(${a}), ${a})`,
    logsigmoid: (a) => `torch.nn.functional.logsigmoid(${a})`,
    relu: (a) => `torch.relu(${a})`,
    step: (a) => `torch.heaviside(${a}, torch.zeros_like(${a}))`,
  },
  sum: (a) => `torch.sum(${a})`,
  sumAxis: (a, axis) => `torch.sum(${a}, dim=${axis}, keepdim=True)`,
  trace: (a) => `torch.trace(${a})`,
  diagv: (a) => `torch.diagonal(${a})[:, None]`,
  diagm: (a) => `torch.diag(${a}.reshape(-1))`,
  chol: (a) => `torch.linalg.cholesky(${a})`,
  lu: (a) => `torch.linalg.lu_factor(${a})`,
  solve: (kind, f, b, trans) => (kind === "chol" ? `torch.cholesky_solve(${b}, ${f})` : `torch.linalg.lu_solve(${f}[0], ${f}[1], ${b}${trans ? ", adjoint=True" : ""})`),
  inverse: (kind, f, n) => (kind === "chol" ? `torch.cholesky_inverse(${f})` : `torch.linalg.lu_solve(${f}[0], ${f}[1], torch.eye(${n}, dtype=torch.float64, device=_device))`),
  logdet: (kind, f) => (kind === "chol" ? `2.0 * torch.sum(torch.log(torch.diagonal(${f})))` : `torch.sum(torch.log(torch.abs(torch.diagonal(${f}[0]))))`),
  det: (kind, f, n) =>
    kind === "chol"
      ? `torch.prod(torch.diagonal(${f})) ** 2`
      : `torch.prod(torch.diagonal(${f}[0])) * (-1.0) ** torch.sum(${f}[1] != torch.arange(1, ${n} + 1, device=_device))`,
  matpow: (a, k) => `torch.linalg.matrix_power(${a}, ${k})`,
  logsumexp: (a) => `torch.logsumexp(${a}.reshape(-1), 0)`,
  norm2: (a) => `torch.linalg.norm(${a})`,
  kron: (a, b) => `torch.kron(${a}, ${b})`,
  shape: (a) => `tuple(${a}.shape)`,
  size: (a) => `${a}.numel()`,
};

/** A float literal (2.0, not 2: integer division and int tensors stay out of the way). */
function number(value: number): Code {
  const text = String(value);
  return numberCode(value, /[.e]/.test(text) ? text : `${text}.0`);
}

const SYMBOLS: InfixSymbols = { emul: "*", ediv: "/", matmul: "@", epow: "**" };

const constantMemo = new WeakMap<Node, boolean>();

/** Arithmetic of numbers and sizes alone: a Python number in the code, not a tensor. */
function isConstant(n: Node): boolean {
  const hit = constantMemo.get(n);
  if (hit !== undefined) return hit;
  const arithmetic = ["add", "sub", "emul", "ediv", "epow", "neg"].includes(n.op.op);
  const r = n.op.op === "num" || n.op.op === "dim" || n.op.op === "pi" || (arithmetic && n.args.every(isConstant));
  constantMemo.set(n, r);
  return r;
}

function factorKind(f: Node): "chol" | "lu" {
  return f.op.op === "chol" ? "chol" : "lu";
}

class PythonTarget implements Target {
  readonly comment = "#";
  readonly reserved: ReadonlySet<string>;
  readonly lang: Lang;

  constructor(private readonly v: Vocabulary) {
    this.lang = v.lang;
    this.reserved = new Set([...PYTHON_KEYWORDS, ...v.reserved, "_device"]);
  }

  expr(n: Node, argCodes: readonly Code[], dim: (d: Dim) => string): Code {
    const v = this.v;
    // torch's functions take tensors only: a constant (a number, a size) is made one first
    const args = v.lang === "torch" && n.op.op !== "add" && n.op.op !== "sub" && n.op.op !== "emul" && n.op.op !== "ediv" && n.op.op !== "epow" && n.op.op !== "neg"
      ? argCodes.map((c, i) => (isConstant(n.args[i]!) ? atom(`torch.tensor(${c.text}, dtype=torch.float64, device=_device)`) : c))
      : argCodes;
    const [a, b] = args as [Code, Code];
    const t = (c: Code) => c.text;
    const op = n.op;
    const infix = infixArithmetic(n, a, b, SYMBOLS);
    if (infix) return infix;
    switch (op.op) {
      case "param":
      case "named":
        throw new Error("internal: names are written by the scheduler");
      case "add":
      case "sub":
      case "neg":
      case "emul":
      case "ediv":
      case "matmul":
      case "epow":
        throw new Error("internal: arithmetic is written by infixArithmetic");
      case "num":
        return number(op.value);
      case "dim":
        return atom(dim(op.name));
      case "pi":
        return atom(v.pi);
      case "eye":
        return atom(v.eye(dim(n.shape[0])));
      case "ones":
      case "zeros":
        return atom(v.full(op.op, dim(n.shape[0]), dim(n.shape[1])));
      case "transpose":
        return { text: `${operand(a, PREC.POSTFIX)}.T`, prec: PREC.POSTFIX };
      case "item":
        return { text: `${operand(a, PREC.POSTFIX)}[0, 0]`, prec: PREC.POSTFIX };
      case "fn": {
        const text = v.fn[op.fn]!(t(a));
        return { text, prec: text.startsWith("-") ? PREC.UNARY : PREC.ATOM };
      }
      case "sum":
        return atom(v.sum(t(a)));
      case "sumRows":
        return atom(v.sumAxis(t(a), 1));
      case "sumCols":
        return atom(v.sumAxis(t(a), 0));
      case "trace":
        return atom(v.trace(t(a)));
      case "diagv":
        return { text: v.diagv(t(a)), prec: PREC.POSTFIX };
      case "diagm":
        return atom(v.diagm(operand(a, PREC.POSTFIX)));
      case "vec":
        return atom(`${operand(a, PREC.POSTFIX)}.T.reshape(-1, 1)`);
      case "kron":
        return atom(v.kron(t(a), t(b)));
      case "chol":
        return atom(v.chol(t(a)));
      case "lu":
        return atom(v.lu(t(a)));
      case "solve":
        return atom(v.solve(factorKind(n.args[0]!), t(a), t(b), op.trans));
      case "inverse":
        return atom(v.inverse(factorKind(n.args[0]!), t(a), dim(n.shape[0])));
      case "logdet": {
        const text = v.logdet(factorKind(n.args[0]!), t(a));
        return { text, prec: PREC.MUL };
      }
      case "det":
        return { text: v.det(factorKind(n.args[0]!), t(a), dim(n.args[0]!.shape[0])), prec: PREC.MUL };
      case "matpow":
        return atom(v.matpow(t(a), op.k));
      case "logsumexp":
        return atom(v.logsumexp(operand(a, PREC.POSTFIX)));
      case "norm2":
        return atom(v.norm2(t(a)));
    }
  }

  render(parts: FunctionParts): string {
    const v = this.v;
    const lines: string[] = [];
    for (const h of parts.header) lines.push(h === "" ? "#" : `# ${h}`);
    lines.push("", ...v.imports, "", "");
    const used = [...parts.statements.map((st) => st.code.text), ...parts.outputs.map((o) => o.text.text)].join("\n");
    for (const [name, text] of Object.entries(v.helpers ?? {})) if (used.includes(`${name}(`)) lines.push(text, "", "");
    lines.push(`def ${parts.name}(${parts.params.map((p) => p.code).join(", ")}):`);
    const body: string[] = [];
    if (v.lang === "torch") {
      const first = parts.params.find((p) => p.kind !== "scalar");
      body.push(first ? `_device = ${first.code}.device if isinstance(${first.code}, torch.Tensor) else None` : "_device = None");
    }
    for (const p of parts.params) body.push(...this.prelude(p, parts.dim));
    for (const s of parts.statements) body.push(`${s.name} = ${s.code.text}`);
    const outs = parts.outputs.map((o) => {
      if (o.shapeOf && o.shapeOf.kind === "vector") return `${operand(o.text, PREC.POSTFIX)}.reshape(${o.shapeOf.code}_shape)`;
      return o.text.text;
    });
    body.push(`return ${outs.length === 1 ? outs[0] : outs.join(", ")}`);
    lines.push(...body.map((l) => `    ${l}`));
    return `${lines.join("\n")}\n`;
  }

  /** Convert an argument, check its shape against the declaration, bind its dimensions. */
  private prelude(p: Param, dim: (d: Dim) => string): string[] {
    const v = this.v;
    const out = [`${p.code} = ${v.convert(p.code)}`];
    const expected = (): string => {
      const shown = p.axes.map((a) => (a.bind ? String(a.dim) : typeof a.dim === "number" ? String(a.dim) : `${a.dim} = {${dim(a.dim)}}`));
      return p.kind === "vector" ? `a vector of length ${shown[0]}` : p.kind === "scalar" ? "a scalar" : `shape (${shown.join(", ")})`;
    };
    const raise = (got: string) => `raise ValueError(f"${p.name}: expected ${expected().replace(/"/g, "'")}, got shape {${got}}")`;
    if (p.kind === "scalar") {
      out.push(`if ${v.size(p.code)} != 1:`, `    ${raise(v.shape(p.code))}`, `${p.code} = ${p.code}.reshape(())`);
      return out;
    }
    if (p.kind === "vector") {
      out.push(
        `${p.code}_shape = ${p.code}.shape`,
        `if ${p.code}.ndim == 1:`,
        `    ${p.code} = ${p.code}.reshape(-1, 1)`,
        `if ${p.code}.ndim != 2 or ${p.code}.shape[1] != 1:`,
        `    ${raise(v.lang === "torch" ? `tuple(${p.code}_shape)` : `${p.code}_shape`)}`,
      );
    } else {
      out.push(`if ${p.code}.ndim != 2:`, `    ${raise(v.shape(p.code))}`);
    }
    const checks: string[] = [];
    p.axes.forEach((a, i) => {
      if (p.kind === "vector" && i === 1) return;
      if (a.bind) out.push(`${dim(a.dim)} = ${p.code}.shape[${i}]`);
      else checks.push(`${p.code}.shape[${i}] != ${dim(a.dim)}`);
    });
    const got = p.kind !== "vector" ? v.shape(p.code) : v.lang === "torch" ? `tuple(${p.code}_shape)` : `${p.code}_shape`;
    if (checks.length > 0) out.push(`if ${checks.join(" or ")}:`, `    ${raise(got)}`);
    return out;
  }
}

export const numpyTarget = (): Target => new PythonTarget(NUMPY);
export const jaxTarget = (): Target => new PythonTarget(JAX);
export const torchTarget = (): Target => new PythonTarget(TORCH);
