// Where functions are evaluated: random sizes and values drawn from the whole domain a declaration
// allows, so that a claim wrong only for negative, small or large values cannot pass.
//
// Points come in kinds, taken in turn: every check and comparison sees values of both signs and
// of very different magnitudes, and `positive` scalars stay positive, spd matrices spd.

import { forEachDistinct, type Expr } from "../expr/expr.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import { DomainError, conditionEstimate, dimSize, evaluate, fill, isFiniteMatrix, type Env, type Matrix, type Parameterised } from "./numeric.js";
import { Random } from "./random.js";

/** The kinds of point, in the order checks take them. */
export const POINT_KINDS = ["around 1", "negative", "small", "large", "mixed"] as const;
export type PointKind = (typeof POINT_KINDS)[number];

/** Magnitude ranges of scalars, and the scale of vector and matrix entries, per kind. */
const MAGNITUDE: Record<Exclude<PointKind, "mixed">, { lo: number; hi: number; entries: number }> = {
  "around 1": { lo: 0.5, hi: 2, entries: 1 },
  negative: { lo: 0.3, hi: 3, entries: 1 },
  small: { lo: 0.01, hi: 0.2, entries: 0.3 },
  // large scalars; arrays keep unit entries (mixed signs are what they need, and ×4 entries only
  // saturate every tanh and exp in sight)
  large: { lo: 3, hi: 30, entries: 1 },
};

export interface Point {
  env: Env;
  /** max |f| at the point (the scale of the noise floor). */
  f: number;
  kind: PointKind;
}

export function sampleDims(problem: Problem, rng: Random): Map<string, number> {
  const names = [...problem.dims].sort();
  const pool = [2, 3, 4, 5];
  const dims = new Map<string, number>();
  const free = [...pool];
  for (const n of names) {
    // distinct sizes while they last, so a transposed answer cannot pass by accident
    const choices = free.length > 0 ? free : pool;
    const k = rng.int(0, choices.length - 1);
    dims.set(n, choices[k]!);
    if (free.length > 0) free.splice(k, 1);
  }
  return dims;
}

function normalMatrix(r: number, c: number, rng: Random, scale = 1): Matrix {
  return fill(r, c, () => scale * rng.normal());
}

/** A rough condition estimate ‖A‖_F‖A⁻¹‖_F, enough to avoid near-singular draws. */
function wellConditioned(a: Matrix): boolean {
  try {
    return conditionEstimate(a) <= 25 * a.length;
  } catch {
    return false;
  }
}

function scalarOf(kind: PointKind, positive: boolean, rng: Random): number {
  const k: Exclude<PointKind, "mixed"> = kind === "mixed" ? (["around 1", "negative", "small", "large"] as const)[rng.int(0, 3)]! : kind;
  const { lo, hi } = MAGNITUDE[k];
  // log-uniform magnitude: small and large values are drawn as often as ordinary ones
  const magnitude = Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
  if (positive) return magnitude;
  if (k === "negative") return -magnitude;
  // ordinary points are mostly positive; every other kind takes either sign evenly
  return rng.next() < (kind === "around 1" ? 0.75 : 0.5) ? magnitude : -magnitude;
}

function entryScale(kind: PointKind, rng: Random): number {
  if (kind === "mixed") return [1, 0.3][rng.int(0, 1)]!;
  return MAGNITUDE[kind].entries;
}

export function sampleValue(v: VarInfo, dims: ReadonlyMap<string, number>, rng: Random, kind: PointKind = "around 1"): Matrix {
  const r = dimSize(v.shape[0], dims);
  const c = dimSize(v.shape[1], dims);
  switch (v.typeKind) {
    case "scalar":
      return [[scalarOf(kind, false, rng)]];
    case "positive":
      return [[scalarOf(kind, true, rng)]];
    case "integer":
      // a power's exponent: small whole numbers keep X^k well inside floating point
      return [[rng.int(1, 4)]];
    case "simplex": {
      // columns of positive weights that sum to 1 (one-hot labels are a corner of this set)
      const w = fill(r, c, () => 0.05 + rng.next());
      const sums = Array.from({ length: c }, (_, j) => w.reduce((s, row) => s + row[j]!, 0));
      return w.map((row) => row.map((x, j) => x / sums[j]!));
    }
    case "vector": {
      const a = normalMatrix(r, 1, rng, entryScale(kind, rng));
      // a negative point flips most entries negative, so sign-blind claims show
      return kind === "negative" ? a.map(([x]) => [rng.next() < 0.8 ? -Math.abs(x!) : Math.abs(x!)]) : a;
    }
    case "matrix": {
      const scale = entryScale(kind, rng);
      let a = normalMatrix(r, c, rng, scale);
      for (let i = 0; r === c && i < 50 && !wellConditioned(a); i++) a = normalMatrix(r, c, rng, scale);
      return a;
    }
    case "symmetric": {
      const scale = entryScale(kind, rng);
      let s: Matrix = [];
      for (let i = 0; i < 50; i++) {
        const b = normalMatrix(r, r, rng, scale);
        s = fill(r, r, (p, q) => (b[p]![q]! + b[q]![p]!) / 2);
        if (wellConditioned(s)) break;
      }
      return s;
    }
    case "spd": {
      const scale = entryScale(kind, rng);
      const a = normalMatrix(r, r, rng);
      return fill(r, r, (p, q) => scale * (a[p]!.reduce((acc, x, k) => acc + x * a[q]![k]!, 0) + (p === q ? r : 0)));
    }
  }
}

/**
 * A random smooth function of θ for a declared NAME(θ): spd (and symmetric) kept spd as
 * L(θ)L(θ)ᵀ + nI with L(θ) = L₀ + Σₖ θₖLₖ; anything else M₀ + Σₖ θₖAₖ + (Σₖ θₖ)²B.
 */
export function sampleParameterised(v: VarInfo, dims: ReadonlyMap<string, number>, p: number, rng: Random): Parameterised {
  const r = dimSize(v.shape[0], dims);
  const c = dimSize(v.shape[1], dims);
  const param = v.param!;
  const thetas = (t: Matrix) => t.map((row) => row[0]!);
  if (v.typeKind === "spd" || v.typeKind === "symmetric") {
    const L0 = normalMatrix(r, r, rng);
    const Ls = Array.from({ length: p }, () => normalMatrix(r, r, rng));
    const L = (t: Matrix) => {
      const th = thetas(t);
      return fill(r, r, (i, j) => L0[i]![j]! + th.reduce((s, x, k) => s + x * Ls[k]![i]![j]!, 0));
    };
    const outer = (A: Matrix, B: Matrix) => fill(r, r, (i, j) => A[i]!.reduce((s, x, k) => s + x * B[j]![k]!, 0));
    return {
      param,
      value: (t) => {
        const Lt = L(t);
        const o = outer(Lt, Lt);
        return fill(r, r, (i, j) => o[i]![j]! + (i === j ? r : 0));
      },
      derivative: (t, k) => {
        const Lt = L(t);
        const a = outer(Ls[k]!, Lt);
        const b = outer(Lt, Ls[k]!);
        return fill(r, r, (i, j) => a[i]![j]! + b[i]![j]!);
      },
    };
  }
  const M0 = normalMatrix(r, c, rng);
  const As = Array.from({ length: p }, () => normalMatrix(r, c, rng));
  const B = normalMatrix(r, c, rng);
  const total = (t: Matrix) => thetas(t).reduce((s, x) => s + x, 0);
  return {
    param,
    value: (t) => {
      const th = thetas(t);
      const T = total(t);
      return fill(r, c, (i, j) => M0[i]![j]! + th.reduce((s, x, k) => s + x * As[k]![i]![j]!, 0) + T * T * B[i]![j]!);
    },
    derivative: (t, k) => fill(r, c, (i, j) => As[k]![i]![j]! + 2 * total(t) * B[i]![j]!),
  };
}

/** Instantiate NAME(θ) at the current θ, then evaluate the definitions, in order. */
export function withDefinitions(
  problem: Problem,
  values: Map<string, Matrix>,
  dims: Map<string, number>,
  generators?: Map<string, Parameterised>,
  perturbed?: string,
  /** Which ∂NAME/∂θ_k the partial derivatives stand for (vector θ). */
  component = 0,
  /** Values already known at this point (see frozenAt); the definitions' bodies are read through it. */
  memo?: Map<Expr, Matrix>,
): Env {
  return definedIn({ values: new Map(values), dims, ...(generators ? { generators } : {}) }, problem, perturbed, component, memo);
}

/** withDefinitions on an environment of the caller's own, filled in place (no copy of its values). */
export function definedIn(env: Env, problem: Problem, perturbed?: string, component = 0, memo?: Map<Expr, Matrix>): Env {
  const generators = env.generators;
  for (const [name, g] of generators ?? []) {
    if (name === perturbed) continue; // differentiating with respect to NAME itself: keep its value
    const theta = env.values.get(g.param)!;
    env.values.set(name, g.value(theta));
    env.values.set(`∂${name}/∂${g.param}`, g.derivative(theta, component));
  }
  for (const d of problem.defs) {
    const v = evaluate(d.body, env, memo);
    if (!isFiniteMatrix(v)) throw new DomainError(`${d.name} is not finite`);
    env.values.set(d.name, v);
  }
  return env;
}

/** A memo that reads through to values computed once per point, and keeps its own writes apart. */
class LayeredMemo extends Map<Expr, Matrix> {
  constructor(private readonly base: ReadonlyMap<Expr, Matrix>) {
    super();
  }
  override get(e: Expr): Matrix | undefined {
    return super.get(e) ?? this.base.get(e);
  }
}

/**
 * The values at a point of every subexpression of `exprs` and of the definitions' bodies that does
 * not move with `moving`. Differences move one variable and evaluate f a few hundred times per
 * point; what does not move (YYᵀ while Z moves) is evaluated once. Returns a fresh memo for each
 * evaluation, reading through to those values.
 */
export function frozenAt(problem: Problem, exprs: readonly Expr[], moving: string, env: Env): () => Map<Expr, Matrix> {
  const names = new Set([moving]);
  for (const [name, g] of env.generators ?? []) if (g.param === moving) names.add(name);
  const dependence = new Map<Expr, boolean>();
  const moves = (e: Expr): boolean => {
    let r = dependence.get(e);
    if (r !== undefined) return r;
    if (e.kind === "sym") r = names.has(e.name);
    else if (e.kind === "partial") r = names.has(e.name) || e.param === moving;
    else if (e.kind === "dvar") r = true;
    else r = e.args.some(moves);
    dependence.set(e, r);
    return r;
  };
  for (const d of problem.defs) if (moves(d.body)) names.add(d.name);
  dependence.clear();
  const frozen = new Map<Expr, Matrix>();
  const seen = new Set<Expr>();
  const walk = (e: Expr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (!moves(e)) evaluate(e, env, frozen);
    else for (const a of e.args) walk(a);
  };
  for (const e of exprs) walk(e);
  for (const d of problem.defs) walk(d.body);
  return () => new LayeredMemo(frozen);
}

// ---------------------------------------------------------------- kinks and poles

/**
 * Where a difference stencil is not valid: kinks (relu, abs, norm1 at 0) and poles or edges of the
 * domain (denominators, log and sqrt arguments, negative powers). Differences are taken only where
 * every such argument stays this far from 0, in f and in the claimed answer alike.
 */
const KINKED = new Set(["relu", "step", "abs", "norm1", "log", "sqrt"]);
export const KINK_MARGIN = 0.05;

/** The arguments of the kinks and poles in the roots and in the problem's definitions. */
export function kinkArguments(problem: Problem, roots: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  forEachDistinct([...roots, ...problem.defs.map((d) => d.body)], (e) => {
    if (e.kind === "apply" && KINKED.has(e.fn)) out.push(e.args[0]!);
    if (e.kind === "hdiv") out.push(e.args[1]!);
    if ((e.kind === "pow" || e.kind === "epow") && isNegativeOrFractional(e.args[1]!)) out.push(e.args[0]!);
  });
  return out;
}

function isNegativeOrFractional(k: Expr): boolean {
  if (k.kind === "num") return k.value.num < 0 || k.value.den !== 1;
  if (k.kind === "mul" && k.args[0]?.kind === "num") return isNegativeOrFractional(k.args[0]);
  return true; // a symbolic exponent: keep the base off 0
}

function awayFromKinks(kinks: readonly Expr[], env: Env): boolean {
  return kinks.every((k) => evaluate(k, env).every((row) => row.every((x) => Math.abs(x) > KINK_MARGIN)));
}

// ---------------------------------------------------------------- drawing points

const DRAWS_PER_KIND = 20;
const MAX_DRAWS = 60;

export interface DrawOptions {
  /** Every expression must be finite at the point (f itself, for differences). */
  finite: readonly Expr[];
  /** Arguments to keep away from 0 (kinkArguments, computed once per check); none for plain comparisons. */
  kinks?: readonly Expr[];
}

/**
 * A point of the given kind where the definitions and `finite` are finite (and, for differences,
 * away from kinks); after a few tries of that kind, any kind.
 */
export function drawPoint(problem: Problem, kind: PointKind, rng: Random, opts: DrawOptions): Point | undefined {
  const kinks = opts.kinks ?? [];
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const k: PointKind = attempt < DRAWS_PER_KIND ? kind : POINT_KINDS[rng.int(0, POINT_KINDS.length - 1)]!;
    const dims = sampleDims(problem, rng);
    const values = new Map<string, Matrix>();
    const generators = new Map<string, Parameterised>();
    for (const v of problem.vars.values()) {
      if (v.param) {
        const p = dimSize(problem.vars.get(v.param)!.shape[0], dims);
        generators.set(v.name, sampleParameterised(v, dims, p, rng));
      } else values.set(v.name, sampleValue(v, dims, rng, k));
    }
    try {
      const env = withDefinitions(problem, values, dims, generators);
      if (!awayFromKinks(kinks, env)) continue;
      let f = 0;
      let finite = true;
      for (const e of opts.finite) {
        const v = evaluate(e, env);
        if (!isFiniteMatrix(v)) finite = false;
        else f = Math.max(f, ...v.flat().map(Math.abs));
      }
      if (!finite) continue;
      return { env, f, kind: k };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return undefined;
}

/** The kind of the k-th point of a check: each kind in turn. */
export const kindOf = (k: number): PointKind => POINT_KINDS[k % POINT_KINDS.length]!;

/** "3 points (around 1, negative, small)": what a numeric verdict rests on. */
export function describeKinds(kinds: readonly PointKind[]): string {
  const distinct = POINT_KINDS.filter((k) => kinds.includes(k));
  return `${kinds.length} random point${kinds.length === 1 ? "" : "s"}${distinct.length ? ` (${distinct.join(", ")})` : ""}`;
}
