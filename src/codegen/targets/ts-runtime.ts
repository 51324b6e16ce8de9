// The few matrix routines generated TypeScript needs, written into each generated file so that it
// has no dependency: dense row-major Float64Array matrices, Cholesky and partially pivoted LU.

export const TS_RUNTIME = String.raw`/** A dense matrix, row-major. A vector is n×1. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}
/** What the function accepts for a vector or matrix argument. */
export type MatLike = Mat | readonly (readonly number[])[] | readonly number[] | Float64Array;
type Val = number | Mat;
interface Factor {
  kind: "chol" | "lu";
  /** L (Cholesky) or the packed L\U (LU). */
  m: Mat;
  piv: Int32Array;
  sign: number;
}

function zerosM(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}
function onesM(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols).fill(1) };
}
function eyeM(n: number): Mat {
  const r = zerosM(n, n);
  for (let i = 0; i < n; i++) r.data[i * n + i] = 1;
  return r;
}
function shapeError(name: string, expected: string, rows: number, cols: number): never {
  throw new Error(name + ": expected " + expected + ", got shape (" + rows + ", " + cols + ")");
}
function isMat(a: unknown): a is Mat {
  return typeof a === "object" && a !== null && "data" in a && "rows" in a;
}
function matrixArg(a: MatLike, name: string, expected: string): Mat {
  if (isMat(a)) return { rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) };
  const rows = a as readonly (readonly number[])[];
  const first = rows[0];
  if (first === undefined || typeof first !== "object") shapeError(name, expected, rows.length, 1);
  const cols = first.length;
  const r = zerosM(rows.length, cols);
  rows.forEach((row: readonly number[], i: number) => {
    if (row.length !== cols) throw new Error(name + ": rows of different lengths");
    row.forEach((x: number, j: number) => (r.data[i * cols + j] = x));
  });
  return r;
}
function vectorArg(a: MatLike, name: string, expected: string): Mat {
  if (a instanceof Float64Array || (Array.isArray(a) && (a.length === 0 || typeof a[0] === "number"))) {
    const v = Float64Array.from(a as ArrayLike<number>);
    return { rows: v.length, cols: 1, data: v };
  }
  const m = matrixArg(a, name, expected);
  if (m.cols !== 1 && m.rows !== 1) shapeError(name, expected, m.rows, m.cols);
  return { rows: m.rows * m.cols, cols: 1, data: m.data };
}
function scalarArg(a: number | MatLike, name: string): number {
  if (typeof a === "number") return a;
  const m = isMat(a) ? a : matrixArg(a, name, "a scalar");
  if (m.data.length !== 1) shapeError(name, "a scalar", m.rows, m.cols);
  return m.data[0]!;
}
function zip(a: Val, b: Val, f: (x: number, y: number) => number): Mat {
  if (typeof a === "number") return map(b as Mat, (y) => f(a, y));
  if (typeof b === "number") return map(a, (x) => f(x, b));
  const rows = Math.max(a.rows, b.rows);
  const cols = Math.max(a.cols, b.cols);
  const r = zerosM(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = a.data[(a.rows === 1 ? 0 : i) * a.cols + (a.cols === 1 ? 0 : j)]!;
      const y = b.data[(b.rows === 1 ? 0 : i) * b.cols + (b.cols === 1 ? 0 : j)]!;
      r.data[i * cols + j] = f(x, y);
    }
  }
  return r;
}
function map(a: Mat, f: (x: number) => number): Mat {
  const r = zerosM(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) r.data[k] = f(a.data[k]!);
  return r;
}
const add = (a: Val, b: Val): Mat => zip(a, b, (x, y) => x + y);
const sub = (a: Val, b: Val): Mat => zip(a, b, (x, y) => x - y);
const emul = (a: Val, b: Val): Mat => zip(a, b, (x, y) => x * y);
const ediv = (a: Val, b: Val): Mat => zip(a, b, (x, y) => x / y);
const epow = (a: Val, b: Val): Mat => zip(a, b, Math.pow);
const neg = (a: Mat): Mat => map(a, (x) => -x);
function matmul(a: Mat, b: Mat): Mat {
  const r = zerosM(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k]!;
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) r.data[i * b.cols + j]! += x * b.data[k * b.cols + j]!;
    }
  }
  return r;
}
function transpose(a: Mat): Mat {
  const r = zerosM(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) r.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return r;
}
function sum(a: Mat): number {
  let s = 0;
  for (const x of a.data) s += x;
  return s;
}
function sumRows(a: Mat): Mat {
  const r = zerosM(a.rows, 1);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) r.data[i]! += a.data[i * a.cols + j]!;
  return r;
}
function sumCols(a: Mat): Mat {
  const r = zerosM(1, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) r.data[j]! += a.data[i * a.cols + j]!;
  return r;
}
function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + i]!;
  return s;
}
function diagv(a: Mat): Mat {
  const r = zerosM(a.rows, 1);
  for (let i = 0; i < a.rows; i++) r.data[i] = a.data[i * a.cols + i]!;
  return r;
}
function diagm(v: Mat): Mat {
  const n = v.data.length;
  const r = zerosM(n, n);
  for (let i = 0; i < n; i++) r.data[i * n + i] = v.data[i]!;
  return r;
}
/** Columns stacked (column-major), as vec is defined. */
const vec = (a: Mat): Mat => ({ rows: a.rows * a.cols, cols: 1, data: transpose(a).data });
function kron(a: Mat, b: Mat): Mat {
  const r = zerosM(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++)
      for (let k = 0; k < b.rows; k++)
        for (let l = 0; l < b.cols; l++) r.data[(i * b.rows + k) * r.cols + j * b.cols + l] = a.data[i * a.cols + j]! * b.data[k * b.cols + l]!;
  return r;
}
const item = (a: Mat): number => a.data[0]!;
function chol(a: Mat): Factor {
  const n = a.rows;
  const l = zerosM(n, n);
  for (let j = 0; j < n; j++) {
    let d = a.data[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l.data[j * n + k]! ** 2;
    if (!(d > 0)) throw new Error("matrix is not positive definite");
    const ljj = Math.sqrt(d);
    l.data[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a.data[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l.data[i * n + k]! * l.data[j * n + k]!;
      l.data[i * n + j] = s / ljj;
    }
  }
  return { kind: "chol", m: l, piv: new Int32Array(0), sign: 1 };
}
function lu(a: Mat): Factor {
  const n = a.rows;
  const m = { rows: n, cols: n, data: Float64Array.from(a.data) };
  const piv = new Int32Array(n);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m.data[i * n + k]!) > Math.abs(m.data[p * n + k]!)) p = i;
    piv[k] = p;
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = m.data[k * n + j]!;
        m.data[k * n + j] = m.data[p * n + j]!;
        m.data[p * n + j] = t;
      }
    }
    const d = m.data[k * n + k]!;
    if (d === 0) throw new Error("matrix is singular");
    for (let i = k + 1; i < n; i++) {
      const f = (m.data[i * n + k]! /= d);
      for (let j = k + 1; j < n; j++) m.data[i * n + j]! -= f * m.data[k * n + j]!;
    }
  }
  return { kind: "lu", m, piv, sign };
}
/** A⁻¹B (A⁻ᵀB with trans) from a factor of A. */
function solve(f: Factor, b: Mat, trans = false): Mat {
  const n = f.m.rows;
  const x = { rows: b.rows, cols: b.cols, data: Float64Array.from(b.data) };
  const L = (i: number, j: number) => (f.kind === "chol" ? f.m.data[i * n + j]! : i === j ? 1 : f.m.data[i * n + j]!);
  const U = (i: number, j: number) => (f.kind === "chol" ? f.m.data[j * n + i]! : f.m.data[i * n + j]!);
  for (let c = 0; c < b.cols; c++) {
    const col = (i: number) => i * b.cols + c;
    if (!trans || f.kind === "chol") {
      if (f.kind === "lu") for (let k = 0; k < n; k++) swap(x.data, col(k), col(f.piv[k]!));
      for (let i = 0; i < n; i++) {
        let s = x.data[col(i)]!;
        for (let k = 0; k < i; k++) s -= L(i, k) * x.data[col(k)]!;
        x.data[col(i)] = s / L(i, i);
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = x.data[col(i)]!;
        for (let k = i + 1; k < n; k++) s -= U(i, k) * x.data[col(k)]!;
        x.data[col(i)] = s / U(i, i);
      }
    } else {
      // Aᵀ = UᵀLᵀP: solve Uᵀz = b, then Lᵀy = z, then undo the row swaps
      for (let i = 0; i < n; i++) {
        let s = x.data[col(i)]!;
        for (let k = 0; k < i; k++) s -= U(k, i) * x.data[col(k)]!;
        x.data[col(i)] = s / U(i, i);
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = x.data[col(i)]!;
        for (let k = i + 1; k < n; k++) s -= L(k, i) * x.data[col(k)]!;
        x.data[col(i)] = s;
      }
      for (let k = n - 1; k >= 0; k--) swap(x.data, col(k), col(f.piv[k]!));
    }
  }
  return x;
}
function swap(d: Float64Array, i: number, j: number): void {
  const t = d[i]!;
  d[i] = d[j]!;
  d[j] = t;
}
const inverse = (f: Factor): Mat => solve(f, eyeM(f.m.rows));
function logdet(f: Factor): number {
  let s = 0;
  for (let i = 0; i < f.m.rows; i++) s += Math.log(Math.abs(f.m.data[i * f.m.rows + i]!));
  return f.kind === "chol" ? 2 * s : s;
}
function det(f: Factor): number {
  let p = f.sign;
  for (let i = 0; i < f.m.rows; i++) p *= f.m.data[i * f.m.rows + i]!;
  return f.kind === "chol" ? p * p : p;
}
function matpow(a: Mat, k: number): Mat {
  let r = eyeM(a.rows);
  for (let i = 0; i < k; i++) r = matmul(r, a);
  return r;
}
function logsumexp(a: Mat): number {
  let m = -Infinity;
  for (const x of a.data) m = Math.max(m, x);
  let s = 0;
  for (const x of a.data) s += Math.exp(x - m);
  return m + Math.log(s);
}
const norm2 = (a: Mat): number => Math.sqrt(sum(map(a, (x) => x * x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const logsigmoid = (x: number): number => -softplus(-x);
const relu = (x: number): number => Math.max(x, 0);
const step = (x: number): number => (x > 0 ? 1 : 0);
`;
