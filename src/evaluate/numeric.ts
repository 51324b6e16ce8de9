// Numeric evaluation of core expressions: a walk over the tree, with linalg.ts doing the linear
// algebra. User text never reaches an evaluator of strings; only the tree is walked.

import { det, inverse, kronecker, logAbsDet, SingularMatrix, zeroMatrix } from "./linalg.js";
import { tick } from "../budget.js";
import { assertNever, type Expr } from "../expr/expr.js";
import type { Dim } from "../expr/shape.js";

export type Matrix = number[][];

export interface Env {
  /** Values of variables, definitions, and differentials (keyed `d:NAME`). */
  values: Map<string, Matrix>;
  /** Sizes of dimension names. */
  dims: Map<string, number>;
  /** For `Sigma(theta)` declarations: the random smooth function that stands for Sigma. */
  generators?: Map<string, Parameterised>;
}

/** A smooth function of a (scalar or vector) parameter θ, with its exact partial derivatives. */
export interface Parameterised {
  param: string;
  value(theta: Matrix): Matrix;
  /** ∂/∂θ_k (k = 0 for a scalar θ). */
  derivative(theta: Matrix, k: number): Matrix;
}

export class DomainError extends Error {}

export function dimSize(d: Dim, dims: ReadonlyMap<string, number>): number {
  if (typeof d === "number") return d;
  return d.split("*").reduce((acc, part) => {
    if (/^\d+$/.test(part)) return acc * Number(part);
    const v = dims.get(part);
    if (v === undefined) throw new Error(`internal: no size for dimension ${part}`);
    return acc * v;
  }, 1);
}

export const scalarM = (x: number): Matrix => [[x]];
const isScalarM = (a: Matrix): boolean => a.length === 1 && a[0]!.length === 1;

// plain loops: Array.from with a mapping function is several times slower in V8, and the check
// builds small matrices thousands of times per problem
export function fill(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  const out: Matrix = new Array<number[]>(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) row[j] = f(i, j);
    out[i] = row;
  }
  return out;
}


function map(a: Matrix, f: (x: number) => number): Matrix {
  const out: Matrix = new Array<number[]>(a.length);
  for (let i = 0; i < a.length; i++) {
    const row = a[i]!;
    const o = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) o[j] = f(row[j]!);
    out[i] = o;
  }
  return out;
}

/** x·b for a number x (the same products, in the same order, as a map). */
function scaleBy(x: number, b: Matrix): Matrix {
  const out: Matrix = new Array<number[]>(b.length);
  for (let i = 0; i < b.length; i++) {
    const row = b[i]!;
    const o = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) o[j] = x * row[j]!;
    out[i] = o;
  }
  return out;
}

function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  if (isScalarM(a) && !isScalarM(b)) {
    const x = a[0]![0]!;
    return map(b, (y) => f(x, y));
  }
  if (isScalarM(b) && !isScalarM(a)) {
    const y = b[0]![0]!;
    return map(a, (x) => f(x, y));
  }
  const out: Matrix = new Array<number[]>(a.length);
  for (let i = 0; i < a.length; i++) {
    const ra = a[i]!;
    const rb = b[i]!;
    const o = new Array<number>(ra.length);
    for (let j = 0; j < ra.length; j++) o[j] = f(ra[j]!, rb[j]!);
    out[i] = o;
  }
  return out;
}

const plus = (x: number, y: number): number => x + y;
const times = (x: number, y: number): number => x * y;

function matmul(a: Matrix, b: Matrix): Matrix {
  if (isScalarM(a)) return scaleBy(a[0]![0]!, b);
  if (isScalarM(b)) {
    // x·y in this order (a's entries first), as the product was always formed
    const y = b[0]![0]!;
    return map(a, (x) => x * y);
  }
  const n = a.length;
  const m = b[0]!.length;
  const inner = b.length;
  const out = zeroMatrix(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    const oi = out[i]!;
    for (let k = 0; k < inner; k++) {
      const x = ai[k]!;
      if (x === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < m; j++) oi[j]! += x * bk[j]!;
    }
  }
  return out;
}

export function transposeM(a: Matrix): Matrix {
  return fill(a[0]!.length, a.length, (i, j) => a[j]![i]!);
}

/**
 * Beyond this condition estimate an inverse is numerically meaningless (a k×k WᵀBW of an n×k W
 * with k > n is singular, but rounding makes it invertible): the point is outside the domain.
 */
const MAX_CONDITION = 1e10;

function invM(a: Matrix): Matrix {
  let r: Matrix;
  try {
    r = inverse(a);
  } catch (e) {
    if (e instanceof SingularMatrix) throw new DomainError("singular matrix");
    throw e;
  }
  if (!isFiniteMatrix(r) || frobeniusNorm(a) * frobeniusNorm(r) > MAX_CONDITION) throw new DomainError("singular matrix");
  return r;
}

/** ‖A‖_F‖A⁻¹‖_F, a cheap condition estimate (throws DomainError for a singular A). */
export function conditionEstimate(a: Matrix): number {
  return frobeniusNorm(a) * frobeniusNorm(invM(a));
}

const sum = (a: Matrix): number => a.reduce((s, row) => row.reduce((t, x) => t + x, s), 0);

export function frobeniusNorm(a: Matrix): number {
  return Math.sqrt(sum(map(a, (x) => x * x)));
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** log(1 + eˣ) without overflow for large x or loss for very negative x. */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function logsumexp(a: Matrix): number {
  const m = Math.max(...a.flat());
  return m + Math.log(sum(map(a, (x) => Math.exp(x - m))));
}

function matrixPower(a: Matrix, k: number): Matrix {
  let r = fill(a.length, a.length, (i, j) => (i === j ? 1 : 0));
  for (let i = 0; i < k; i++) r = matmul(r, a);
  return r;
}

/**
 * Evaluate with every intermediate result perturbed by a few units in the last place, as rounding
 * could have: comparing with a plain evaluation estimates how much rounding moves the value (large
 * where a formula cancels catastrophically at the point, e.g. 2t³ − 2t at t ≈ 1).
 */
export function evaluateJittered(e: Expr, env: Env, rng: { next(): number }): Matrix {
  const memo = new Map<Expr, Matrix>();
  const jitter = (m: Matrix) => m.map((row) => row.map((x) => x * (1 + JITTER * (rng.next() - 0.5))));
  const walk = (x: Expr): Matrix => {
    const hit = memo.get(x);
    if (hit) return hit;
    for (const a of x.args) walk(a);
    // leaves and constants (−2·𝟏 as an exponent) are exact: only computed values are rounded
    const r = x.args.length === 0 || isConstant(x) ? evaluate(x, env, memo) : jitter(evaluate(x, env, memo));
    memo.set(x, r);
    return r;
  };
  return walk(e);
}

const constantMemo = new WeakMap<Expr, boolean>();

/** Built from numbers, sizes, I, 𝟏 and 0 alone. */
function isConstant(e: Expr): boolean {
  const hit = constantMemo.get(e);
  if (hit !== undefined) return hit;
  const r =
    e.kind === "num" || e.kind === "eye" || e.kind === "ones" || e.kind === "zeros" || (e.kind === "sym" && (e.role === "dim" || e.role === "const")) || (e.args.length > 0 && e.args.every(isConstant));
  constantMemo.set(e, r);
  return r;
}

/** Relative size of the simulated rounding: 8 units in the last place. */
const JITTER = 8 * 2.2e-16;

export function evaluate(e: Expr, env: Env, memo = new Map<Expr, Matrix>()): Matrix {
  tick();
  const hit = memo.get(e);
  if (hit) return hit;
  const r = compute(e, env, memo);
  memo.set(e, r);
  return r;
}

/** The children's values, left to right (evaluated before any is combined). */
function evaluateArgs(e: Expr, env: Env, memo: Map<Expr, Matrix>): Matrix[] {
  const args = e.args;
  const out = new Array<Matrix>(args.length);
  for (let i = 0; i < args.length; i++) out[i] = evaluate(args[i]!, env, memo);
  return out;
}

/** A left fold of the children's values (as Array.prototype.reduce with no initial value). */
function foldArgs(e: Expr, env: Env, memo: Map<Expr, Matrix>, f: (a: Matrix, b: Matrix) => Matrix): Matrix {
  const vs = evaluateArgs(e, env, memo);
  let acc = vs[0]!;
  for (let i = 1; i < vs.length; i++) acc = f(acc, vs[i]!);
  return acc;
}

function compute(e: Expr, env: Env, memo: Map<Expr, Matrix>): Matrix {
  const ev = (x: Expr) => evaluate(x, env, memo);
  const rows = () => dimSize(e.shape[0], env.dims);
  const cols = () => dimSize(e.shape[1], env.dims);
  switch (e.kind) {
    case "num":
      return scalarM(e.value.num / e.value.den);
    case "sym": {
      if (e.role === "dim") return scalarM(dimSize(e.name, env.dims));
      if (e.role === "const") return scalarM(Math.PI);
      const v = env.values.get(e.name);
      if (!v) throw new Error(`internal: no value for ${e.name}`);
      return v;
    }
    case "partial": {
      const v = env.values.get(`∂${e.name}/∂${e.param}`);
      if (!v) throw new Error(`internal: no value for ∂${e.name}/∂${e.param}`);
      return v;
    }
    case "dvar": {
      const v = env.values.get(`d:${e.name}`);
      if (!v) throw new Error(`internal: no value for d${e.name}`);
      return v;
    }
    case "eye":
      return fill(rows(), rows(), (i, j) => (i === j ? 1 : 0));
    case "ones":
      return fill(rows(), cols(), () => 1);
    case "zeros":
      return fill(rows(), cols(), () => 0);
    case "add":
      return foldArgs(e, env, memo, (a, b) => zip(a, b, plus));
    case "mul":
      return foldArgs(e, env, memo, matmul);
    case "transpose":
      return transposeM(ev(e.args[0]!));
    case "inv":
      return invM(ev(e.args[0]!));
    case "pow": {
      const base = ev(e.args[0]!);
      const k = ev(e.args[1]!)[0]![0]!;
      if (isScalarM(base)) return scalarM(Math.pow(base[0]![0]!, k));
      return k >= 0 ? matrixPower(base, k) : matrixPower(invM(base), -k);
    }
    case "hadamard":
      return foldArgs(e, env, memo, (a, b) => zip(a, b, times));
    case "hdiv":
      return zip(ev(e.args[0]!), ev(e.args[1]!), (x, y) => x / y);
    case "epow":
      return zip(ev(e.args[0]!), ev(e.args[1]!), (x, y) => Math.pow(x, y));
    case "kron":
      return kronecker(ev(e.args[0]!), ev(e.args[1]!));
    case "apply":
      if (e.fn === "commutation") return commutationMatrix(ev(e.args[0]!)[0]![0]!, ev(e.args[1]!)[0]![0]!);
      return applyNumeric(e, ev(e.args[0]!));
    default:
      return assertNever(e);
  }
}

/** K_{m,n} with K vec(A) = vec(Aᵀ) for an m×n A: row j + i·n has its 1 in column i + j·m. */
function commutationMatrix(m: number, n: number): Matrix {
  return fill(m * n, m * n, (r, c) => ((r % n) * m + Math.floor(r / n) === c ? 1 : 0));
}

function applyNumeric(e: Extract<Expr, { kind: "apply" }>, a: Matrix): Matrix {
  switch (e.fn) {
    case "det":
      return scalarM(det(a));
    case "logdet": {
      const d = logAbsDet(a);
      if (!(d.sign > 0)) throw new DomainError("logdet of a matrix with det <= 0");
      return scalarM(d.log);
    }
    case "tr":
      return scalarM(a.reduce((s, row, i) => s + row[i]!, 0));
    case "sum":
      return scalarM(sum(a));
    case "norm2":
      return scalarM(frobeniusNorm(a));
    case "norm1":
      return scalarM(sum(map(a, Math.abs)));
    case "logsumexp":
      return scalarM(logsumexp(a));
    case "logsumexp_cols":
      return [Array.from({ length: a[0]!.length }, (_, j) => logsumexp(a.map((row) => [row[j]!])))];
    case "softmax": {
      // column by column (a vector is one column)
      const cols = a[0]!.length;
      const lse = Array.from({ length: cols }, (_, j) => logsumexp(a.map((row) => [row[j]!])));
      return a.map((row) => row.map((x, j) => Math.exp(x - lse[j]!)));
    }
    case "diagm":
      return fill(a.length, a.length, (i, j) => (i === j ? a[i]![0]! : 0));
    case "diagv":
      return fill(a.length, 1, (i) => a[i]![i]!);
    case "vec": {
      const cols = a[0]!.length;
      return fill(a.length * cols, 1, (k) => a[k % a.length]![Math.floor(k / a.length)]!);
    }
    case "exp":
      return map(a, Math.exp);
    case "log":
      return map(a, Math.log);
    case "sqrt":
      return map(a, Math.sqrt);
    case "sin":
      return map(a, Math.sin);
    case "cos":
      return map(a, Math.cos);
    case "tan":
      return map(a, Math.tan);
    case "tanh":
      return map(a, Math.tanh);
    case "sigmoid":
      return map(a, sigmoid);
    case "softplus":
      return map(a, softplus);
    case "logsigmoid":
      return map(a, (x) => -softplus(-x));
    case "relu":
      return map(a, (x) => Math.max(0, x));
    case "step":
      return map(a, (x) => (x > 0 ? 1 : 0));
    case "abs":
      return map(a, Math.abs);
    case "commutation":
      throw new Error("internal: commutation is evaluated from both its sizes (compute)");
    default:
      return assertNever(e.fn);
  }
}

export function isFiniteMatrix(a: Matrix): boolean {
  return a.every((row) => row.every(Number.isFinite));
}
