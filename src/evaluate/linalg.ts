// Dense linear algebra on number[][] for the numeric check: LU with partial pivoting (determinant,
// inverse) and the Kronecker product. Plain loops over Float64 values: the check evaluates small
// matrices thousands of times, and a generic library's per-element dispatch cost more than the
// arithmetic (mathjs took ~10× longer for a 50×50 inverse, and 1 s to load; see the README).

export type Matrix = number[][];

export class SingularMatrix extends Error {}

interface LU {
  lu: Float64Array;
  n: number;
  perm: Int32Array;
  sign: number;
}

/** PA = LU, row-major in one array; throws SingularMatrix on an exactly zero pivot. */
function decompose(a: Matrix): LU {
  const n = a.length;
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lu[i * n + j] = a[i]![j]!;
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (max === 0 || !Number.isFinite(max)) throw new SingularMatrix("singular matrix");
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, n, perm, sign };
}

export function det(a: Matrix): number {
  let d: LU;
  try {
    d = decompose(a);
  } catch (e) {
    if (e instanceof SingularMatrix) return 0;
    throw e;
  }
  let r = d.sign;
  for (let i = 0; i < d.n; i++) r *= d.lu[i * d.n + i]!;
  return r;
}

/** log|det A| and the sign of det A, without overflow for large matrices. */
export function logAbsDet(a: Matrix): { sign: number; log: number } {
  let d: LU;
  try {
    d = decompose(a);
  } catch (e) {
    if (e instanceof SingularMatrix) return { sign: 0, log: -Infinity };
    throw e;
  }
  let sign = d.sign;
  let log = 0;
  for (let i = 0; i < d.n; i++) {
    const x = d.lu[i * d.n + i]!;
    if (x < 0) sign = -sign;
    log += Math.log(Math.abs(x));
  }
  return { sign, log };
}

/** A rows×cols matrix of zeros (plain loops: Array.from with a mapping function is slower in V8). */
export function zeroMatrix(rows: number, cols: number): Matrix {
  const out: Matrix = new Array<number[]>(rows);
  for (let i = 0; i < rows; i++) out[i] = new Array<number>(cols).fill(0);
  return out;
}

export function inverse(a: Matrix): Matrix {
  const { lu, n, perm } = decompose(a);
  const out = zeroMatrix(n, n);
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    // solve LU x = P e_c
    for (let i = 0; i < n; i++) col[i] = perm[i] === c ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let s = col[i]!;
      for (let k = 0; k < i; k++) s -= lu[i * n + k]! * col[k]!;
      col[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i]!;
      for (let k = i + 1; k < n; k++) s -= lu[i * n + k]! * col[k]!;
      col[i] = s / lu[i * n + i]!;
    }
    for (let i = 0; i < n; i++) out[i]![c] = col[i]!;
  }
  return out;
}

export function kronecker(a: Matrix, b: Matrix): Matrix {
  const [ar, ac, br, bc] = [a.length, a[0]!.length, b.length, b[0]!.length];
  return Array.from({ length: ar * br }, (_, i) =>
    Array.from({ length: ac * bc }, (_, j) => a[Math.floor(i / br)]![Math.floor(j / bc)]! * b[i % br]![j % bc]!),
  );
}
