// Finite differences with an error estimate, and the directions they are taken in.
//
// φ'(0) comes from the 5-point central difference c(h) with one Richardson step, at two step
// sizes: R(h) = (16c(h/2) − c(h))/15 and R(h/2). Their disagreement (plus the rounding bound
// ε·max|φ|/h) estimates the error of R(h); a check only calls a formula wrong where the
// disagreement with the claim is far outside that estimate. Where the estimate is poor, a smaller
// and a larger step are tried and the one with the smallest estimate is kept.

import { fill, type Matrix } from "./numeric.js";
import type { Random } from "./random.js";

export interface Estimate {
  value: number;
  error: number;
  /** The step h of the estimate (its rounding grows as 1/h). */
  step: number;
  /** How far φ moved over the stencil (max − min of the values the estimate used). */
  range: number;
}

const EPS = 2.2e-16;
/** Good enough when the estimated error is below this fraction of the value. */
const TIGHT = 1e-9;

/** φ'(0) for a vector-valued φ (the common case is one entry), with a per-entry error estimate. */
export function derivativeWithError(phi: (t: number) => number[], h0: number): Estimate[] {
  const first = estimateAt(phi, h0);
  if (first.every((e) => e.error <= TIGHT * Math.abs(e.value) + 1e-300)) return first;
  const all = [first, estimateAt(phi, h0 / 16), estimateAt(phi, h0 * 8)];
  let best = first;
  for (const other of all) if (total(other) < total(best)) best = other;
  // Estimates at different steps that disagree far beyond their own errors cannot all be right,
  // and the smallest error estimate among them may be luck: a function that turns faster than the
  // steps resolve (sin of a determinant in the thousands) gives differences that agree with
  // themselves at one step and are nothing like the derivative. The disagreement is then counted
  // in the error, so that no verdict rests on one lucky step.
  return best.map((e, i) => {
    let error = e.error;
    for (const other of all) {
      const o = other[i]!;
      const gap = Math.abs(o.value - e.value);
      if (gap > INCONSISTENT * (o.error + e.error)) error = Math.max(error, gap);
    }
    return { value: e.value, error, step: e.step, range: e.range };
  });
}

/** Estimates further apart than this many times their summed errors are inconsistent. */
const INCONSISTENT = 10;

const total = (es: Estimate[]) => es.reduce((s, e) => s + (Number.isFinite(e.error) ? e.error : Infinity), 0);

function estimateAt(phi: (t: number) => number[], h: number): Estimate[] {
  const cache = new Map<number, number[]>();
  const at = (t: number) => {
    let v = cache.get(t);
    if (!v) cache.set(t, (v = phi(t)));
    return v;
  };
  const c4 = (k: number, i: number) => (at(-2 * k)[i]! - 8 * at(-k)[i]! + 8 * at(k)[i]! - at(2 * k)[i]!) / (12 * k);
  const n = at(h).length;
  const out: Estimate[] = [];
  for (let i = 0; i < n; i++) {
    const r1 = (16 * c4(h / 2, i) - c4(h, i)) / 15;
    const r2 = (16 * c4(h / 4, i) - c4(h / 2, i)) / 15;
    let scale = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of cache.values()) {
      scale = Math.max(scale, Math.abs(v[i]!));
      lo = Math.min(lo, v[i]!);
      hi = Math.max(hi, v[i]!);
    }
    out.push({ value: r1, error: Math.abs(r1 - r2) + (10 * EPS * scale) / h, step: h, range: hi - lo });
  }
  return out;
}

/** The scalar case. */
export function derivative(phi: (t: number) => number, h: number): Estimate {
  return derivativeWithError((t) => [phi(t)], h)[0]!;
}

/** A step suited to a point: 10⁻³ of its largest entry, with a floor for points near 0. */
export function stepFor(x0: Matrix): number {
  return 1e-3 * Math.max(1e-2, ...x0.flat().map(Math.abs));
}

// ---------------------------------------------------------------- directions

/**
 * Coordinate directions are all taken while a variable has at most this many free entries. A
 * wrong gradient G' shows along a Gaussian direction D as ⟨G' − G, D⟩, which is 0 only on a null
 * set; six directions measure ‖G' − G‖/‖G‖ within a small factor, far finer than the gap between
 * a wrong formula and the tolerance, and cost 8 evaluations of f each.
 */
export const COORDINATE_LIMIT = 6;

/**
 * How much of φ's own rounding noise δ one estimate carries: R(h) = (16c(h/2) − c(h))/15, where
 * the 5-point c(k) sums 18 values over 12k, gives at most (16·18/6 + 18/12)/15·δ/h ≈ 3.3δ/h.
 */
export const NOISE_GAIN = 4;
/** Beyond that, this many random directions (the work stays bounded for X : spd(50)). */
export const RANDOM_DIRECTIONS = 6;

/**
 * Unit directions (column-major; symmetric variables move E_ij + E_ji together) for a small
 * variable, else random Gaussian directions (symmetrised for a symmetric variable).
 */
export function directions(symmetric: boolean, shape: [number, number], rng: Random): Matrix[] {
  const [n, m] = shape;
  const free = symmetric ? (n * (n + 1)) / 2 : n * m;
  const out: Matrix[] = [];
  if (free <= COORDINATE_LIMIT) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) {
        if (symmetric && i > j) continue;
        out.push(fill(n, m, (p, q) => ((p === i && q === j) || (symmetric && p === j && q === i) ? 1 : 0)));
      }
    }
    return out;
  }
  for (let k = 0; k < RANDOM_DIRECTIONS; k++) {
    const g = fill(n, m, () => rng.normal());
    out.push(symmetric ? fill(n, m, (p, q) => (g[p]![q]! + g[q]![p]!) / 2) : g);
  }
  return out;
}

/** ⟨A, B⟩ = sum(A ⊙ B): the directional derivative of f along D when A is the gradient. */
export function inner(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i]!.length; j++) s += a[i]![j]! * b[i]![j]!;
  return s;
}
