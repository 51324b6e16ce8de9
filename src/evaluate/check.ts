// The numeric oracle: evaluate f and a claimed gradient at random points (random sizes 2–5 per
// dimension name, random values by declared type) and compare with central finite differences in
// every direction (symmetric directions E_ij + E_ji for symmetric variables).

import { create, invDependencies } from "mathjs";
import type { Expr } from "../expr/expr.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import {
  DomainError,
  evaluate,
  fill,
  frobeniusNorm,
  isFiniteMatrix,
  dimSize,
  type Env,
  type Matrix,
  type Parameterised,
} from "./numeric.js";
import { Random } from "./random.js";

export interface CheckOptions {
  points?: number;
  seed?: number;
  /** Relative error ‖FD − G‖/max(‖FD‖, ‖G‖) above which a point fails. */
  tolerance?: number;
}

export interface CheckResult {
  /** true: every point agreed; false: some point disagreed (a wrong formula). */
  ok: boolean;
  /** No point in the function's domain could be drawn; nothing was compared. */
  inconclusive: boolean;
  points: number;
  maxRelError: number;
  /** Per variable, the worst relative error seen. */
  errors: Record<string, number>;
  /** Sizes drawn at the worst point, for the report. */
  dims: Record<string, number>;
}

const math = create({ invDependencies });

export const DEFAULT_TOLERANCE = 1e-6;
const MAX_DRAWS = 60;
/** Gradients smaller than this times max(1, |f|) cannot be resolved by the stencil. */
const NOISE_FLOOR = 1e-5;

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

function normalMatrix(r: number, c: number, rng: Random): Matrix {
  return fill(r, c, () => rng.normal());
}

/** A rough condition estimate ‖A‖_F‖A⁻¹‖_F, enough to avoid near-singular draws. */
function wellConditioned(a: Matrix): boolean {
  try {
    return frobeniusNorm(a) * frobeniusNorm(invert(a)) <= 25 * a.length;
  } catch {
    return false;
  }
}

function invert(a: Matrix): Matrix {
  return math.inv(a) as Matrix;
}

export function sampleValue(v: VarInfo, dims: ReadonlyMap<string, number>, rng: Random): Matrix {
  const r = dimSize(v.shape[0], dims);
  const c = dimSize(v.shape[1], dims);
  switch (v.typeKind) {
    case "scalar":
      return [[rng.uniform(0.5, 1.5)]];
    case "vector":
      return normalMatrix(r, 1, rng);
    case "matrix": {
      let a = normalMatrix(r, c, rng);
      for (let i = 0; r === c && i < 50 && !wellConditioned(a); i++) a = normalMatrix(r, c, rng);
      return a;
    }
    case "symmetric": {
      let s: Matrix = [];
      for (let i = 0; i < 50; i++) {
        const b = normalMatrix(r, r, rng);
        s = fill(r, r, (p, q) => (b[p]![q]! + b[q]![p]!) / 2);
        if (wellConditioned(s)) break;
      }
      return s;
    }
    case "spd": {
      const a = normalMatrix(r, r, rng);
      return fill(r, r, (p, q) => a[p]!.reduce((acc, x, k) => acc + x * a[q]![k]!, 0) + (p === q ? r : 0));
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

interface Point {
  env: Env;
  f: number;
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
): Env {
  const env: Env = { values: new Map(values), dims, ...(generators ? { generators } : {}) };
  for (const [name, g] of generators ?? []) {
    if (name === perturbed) continue; // differentiating with respect to NAME itself: keep its value
    const theta = env.values.get(g.param)!;
    env.values.set(name, g.value(theta));
    env.values.set(`∂${name}/∂${g.param}`, g.derivative(theta, component));
  }
  for (const d of problem.defs) {
    const v = evaluate(d.body, env);
    if (!isFiniteMatrix(v)) throw new DomainError(`${d.name} is not finite`);
    env.values.set(d.name, v);
  }
  return env;
}

function scalarValue(f: Expr, env: Env): number {
  const v = evaluate(f, env)[0]![0]!;
  if (!Number.isFinite(v)) throw new DomainError("not finite");
  return v;
}

/**
 * Functions differentiable only away from 0 (relu, abs, norm1) and elementwise denominators: their
 * arguments must stay off 0, or the difference stencil would straddle a kink or a pole.
 */
const KINKED = new Set(["relu", "abs", "norm1"]);
/** How far from a kink every argument entry must be for the difference stencil to be valid. */
const KINK_MARGIN = 0.05;

function kinkArguments(roots: readonly Expr[]): Expr[] {
  const seen = new Set<Expr>();
  const out: Expr[] = [];
  const walk = (e: Expr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === "apply" && KINKED.has(e.fn)) out.push(e.args[0]!);
    if (e.kind === "hdiv") out.push(e.args[1]!); // a pole of elementwise division
    e.args.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

function awayFromKinks(kinks: readonly Expr[], env: Env): boolean {
  return kinks.every((k) => evaluate(k, env).every((row) => row.every((x) => Math.abs(x) > KINK_MARGIN)));
}

function drawPoint(problem: Problem, f: Expr, rng: Random): Point | undefined {
  const kinks = kinkArguments([f, ...problem.defs.map((d) => d.body)]);
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const dims = sampleDims(problem, rng);
    const values = new Map<string, Matrix>();
    const generators = new Map<string, Parameterised>();
    for (const v of problem.vars.values()) {
      if (v.param) {
        const p = dimSize(problem.vars.get(v.param)!.shape[0], dims);
        generators.set(v.name, sampleParameterised(v, dims, p, rng));
      }
      else values.set(v.name, sampleValue(v, dims, rng));
    }
    try {
      const env = withDefinitions(problem, values, dims, generators);
      if (!awayFromKinks(kinks, env)) continue;
      const v = evaluate(f, env);
      if (!isFiniteMatrix(v)) continue;
      return { env, f: Math.max(...v.flat().map(Math.abs)) };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return undefined;
}

/** Unit directions, column-major; symmetric variables move E_ij + E_ji together. */
function directions(v: VarInfo, shape: [number, number]): Array<{ i: number; j: number; e: Matrix }> {
  const [n, m] = shape;
  const out: Array<{ i: number; j: number; e: Matrix }> = [];
  const symmetric = v.typeKind === "symmetric" || v.typeKind === "spd";
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      if (symmetric && i > j) continue;
      out.push({ i, j, e: fill(n, m, (p, q) => ((p === i && q === j) || (symmetric && p === j && q === i) ? 1 : 0)) });
    }
  }
  return out;
}

/** φ'(0) by the 5-point central difference with one Richardson step (O(h⁶)). */
export function derivative(phi: (t: number) => number, h: number): number {
  const c4 = (k: number) => (phi(-2 * k) - 8 * phi(-k) + 8 * phi(k) - phi(2 * k)) / (12 * k);
  return (16 * c4(h / 2) - c4(h)) / 15;
}

/** The same stencil for a matrix-valued φ, entry by entry. */
export function matrixDerivative(phi: (t: number) => Matrix, h: number): Matrix {
  const cache = new Map<number, Matrix>();
  const at = (t: number) => {
    let v = cache.get(t);
    if (!v) cache.set(t, (v = phi(t)));
    return v;
  };
  const base = at(0);
  return base.map((row, i) => row.map((_, j) => derivative((t) => at(t)[i]![j]!, h)));
}

export function finiteDifferenceGradient(problem: Problem, f: Expr, point: Env, v: VarInfo): Matrix {
  const x0 = point.values.get(v.name)!;
  const shape: [number, number] = [x0.length, x0[0]!.length];
  const scale = Math.max(1, ...x0.flat().map(Math.abs));
  const h = 1e-3 * scale;
  const g = fill(shape[0], shape[1], () => 0);
  const symmetric = v.typeKind === "symmetric" || v.typeKind === "spd";
  for (const { i, j, e } of directions(v, shape)) {
    const phi = (t: number) => {
      const values = new Map(point.values);
      values.set(v.name, fill(shape[0], shape[1], (p, q) => x0[p]![q]! + t * e[p]![q]!));
      return scalarValue(f, withDefinitions(problem, values, point.dims, point.generators, v.name));
    };
    const d = derivative(phi, h);
    if (symmetric && i !== j) {
      g[i]![j] = d / 2;
      g[j]![i] = d / 2;
    } else g[i]![j] = d;
  }
  return g;
}

export function relativeError(a: Matrix, b: Matrix): number {
  const diff = a.map((row, i) => row.map((x, j) => x - b[i]![j]!));
  return frobeniusNorm(diff) / Math.max(frobeniusNorm(a), frobeniusNorm(b), 1e-8);
}

/** What one point yields, per variable: finite differences and the claim, stacked alike. */
type Measure = (point: Point) => Array<{ name: string; fd: Matrix; claimed: Matrix }>;

/**
 * The loop every check shares: draw points in the domain, measure, draw again where the stencil
 * left the domain or the derivative is at the noise floor (no verdict either way there, as in the
 * corpus checker), and keep the worst relative error.
 */
function runChecks(problem: Problem, f: Expr, opts: CheckOptions, measure: Measure): CheckResult {
  const rng = new Random(opts.seed ?? 1);
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const wanted = opts.points ?? 3;
  const errors: Record<string, number> = {};
  let dims: Record<string, number> = {};
  let maxRelError = 0;
  let compared = 0;
  for (let k = 0; k < wanted * 4 && compared < wanted; k++) {
    const point = drawPoint(problem, f, rng);
    if (!point) break;
    const pointErrors: Record<string, number> = {};
    try {
      for (const { name, fd, claimed } of measure(point)) {
        if (!isFiniteMatrix(claimed) || !isFiniteMatrix(fd)) throw new DomainError("not finite");
        if (Math.max(frobeniusNorm(fd), frobeniusNorm(claimed)) < NOISE_FLOOR * Math.max(1, Math.abs(point.f))) {
          throw new DomainError("derivative at noise level");
        }
        pointErrors[name] = relativeError(fd, claimed);
      }
    } catch (e) {
      if (e instanceof DomainError) continue;
      throw e;
    }
    compared++;
    for (const [name, err] of Object.entries(pointErrors)) {
      errors[name] = Math.max(errors[name] ?? 0, err);
      if (err >= maxRelError) {
        maxRelError = err;
        dims = Object.fromEntries(point.env.dims);
      }
    }
  }
  return { ok: compared > 0 && maxRelError <= tolerance, inconclusive: compared === 0, points: compared, maxRelError, errors, dims };
}

export function checkGradients(
  problem: Problem,
  f: Expr,
  results: ReadonlyArray<{ wrt: VarInfo; value: Expr }>,
  opts: CheckOptions = {},
): CheckResult {
  return runChecks(problem, f, opts, (point) =>
    results.map((r) => ({
      name: r.wrt.name,
      fd: finiteDifferenceGradient(problem, f, point.env, r.wrt),
      claimed: evaluate(r.value, point.env),
    })),
  );
}

// ---------------------------------------------------------------- Jacobians and differentials

/** vec (column-major) of a matrix, as an n·m×1 matrix. */
function vecM(a: Matrix): Matrix {
  const cols = a[0]!.length;
  return fill(a.length * cols, 1, (k) => a[k % a.length]![Math.floor(k / a.length)]!);
}

function matmulM(a: Matrix, b: Matrix): Matrix {
  return fill(a.length, b[0]!.length, (i, j) => a[i]!.reduce((s, x, k) => s + x * b[k]![j]!, 0));
}

/** How a claimed linearisation answers a direction E: J·vec(E) for a Jacobian, dF[dX = E] for a differential. */
export type Linearisation = (env: Env, v: VarInfo, E: Matrix) => Matrix;

export const jacobianClaim =
  (J: Expr): Linearisation =>
  (env, _v, E) =>
    matmulM(evaluate(J, env), vecM(E));

export const differentialClaim =
  (dF: Expr): Linearisation =>
  (env, v, E) => {
    const values = new Map(env.values);
    values.set(`d:${v.name}`, E);
    return vecM(evaluate(dF, { values, dims: env.dims }));
  };

/**
 * Compare a claimed linearisation of F with finite differences of vec(F) along every direction of
 * each variable (E_ij, or E_ij + E_ji for a symmetric variable), at random points.
 */
export function checkLinearisations(
  problem: Problem,
  F: Expr,
  claims: ReadonlyArray<{ wrt: VarInfo; claim: Linearisation }>,
  opts: CheckOptions = {},
): CheckResult {
  return runChecks(problem, F, opts, (point) =>
    claims.map(({ wrt, claim }) => {
      const x0 = point.env.values.get(wrt.name)!;
      const shape: [number, number] = [x0.length, x0[0]!.length];
      const h = 1e-3 * Math.max(1, ...x0.flat().map(Math.abs));
      const fdCols: Matrix[] = [];
      const claimedCols: Matrix[] = [];
      for (const { e } of directions(wrt, shape)) {
        const phi = (t: number) => {
          const values = new Map(point.env.values);
          values.set(wrt.name, fill(shape[0], shape[1], (p, q) => x0[p]![q]! + t * e[p]![q]!));
          return vecM(evaluate(F, withDefinitions(problem, values, point.env.dims, point.env.generators, wrt.name)));
        };
        fdCols.push(matrixDerivative(phi, h));
        claimedCols.push(claim(point.env, wrt, e));
      }
      const stack = (cols: Matrix[]) => cols.flatMap((c) => c.flat()).map((x) => [x]);
      return { name: wrt.name, fd: stack(fdCols), claimed: stack(claimedCols) };
    }),
  );
}

/** Both checks must pass: the worse one speaks for the pair. */
export function combineChecks(a: CheckResult, b: CheckResult): CheckResult {
  const worse = a.maxRelError >= b.maxRelError ? a : b;
  return {
    ok: a.ok && b.ok,
    inconclusive: a.inconclusive || b.inconclusive,
    points: Math.min(a.points, b.points),
    maxRelError: worse.maxRelError,
    errors: Object.fromEntries(Object.keys({ ...a.errors, ...b.errors }).map((k) => [k, Math.max(a.errors[k] ?? 0, b.errors[k] ?? 0)])),
    dims: worse.dims,
  };
}

/**
 * For a vector θ reached through NAME(θ) declarations the answer is the component ∂f/∂θ_k:
 * evaluate it with the ∂NAME/∂θ_k of every k and compare with differences of f along e_k.
 */
export function checkComponents(problem: Problem, f: Expr, theta: VarInfo, Gk: Expr, opts: CheckOptions = {}): CheckResult {
  return runChecks(problem, f, opts, (point) => {
    const t0 = point.env.values.get(theta.name)!;
    const h = 1e-3 * Math.max(1, ...t0.flat().map(Math.abs));
    const fd: Matrix = [];
    const claimed: Matrix = [];
    for (let k = 0; k < t0.length; k++) {
      const phi = (t: number) => {
        const values = new Map(point.env.values);
        values.set(theta.name, t0.map((row, i) => [row[0]! + (i === k ? t : 0)]));
        return scalarValue(f, withDefinitions(problem, values, point.env.dims, point.env.generators));
      };
      fd.push([derivative(phi, h)]);
      claimed.push([scalarValue(Gk, withDefinitions(problem, point.env.values, point.env.dims, point.env.generators, undefined, k))]);
    }
    return [{ name: theta.name, fd, claimed }];
  });
}

// ---------------------------------------------------------------- comparing two expressions

/** Draw points and evaluate several same-shaped expressions at each (for equality and diagnoses). */
export function samplePoints(problem: Problem, exprs: readonly Expr[], opts: CheckOptions = {}): Matrix[][] {
  const rng = new Random(opts.seed ?? 1);
  const wanted = opts.points ?? 3;
  const out: Matrix[][] = [];
  for (let k = 0; k < wanted * 4 && out.length < wanted; k++) {
    const point = drawPoint(problem, exprs[0]!, rng);
    if (!point) break;
    try {
      const values = exprs.map((e) => evaluate(e, point.env));
      if (values.every(isFiniteMatrix)) out.push(values);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return out;
}

export interface NumericComparison {
  equal: boolean;
  inconclusive: boolean;
  points: number;
  maxRelError: number;
}

export function compareNumerically(problem: Problem, a: Expr, b: Expr, opts: CheckOptions = {}): NumericComparison {
  const pts = samplePoints(problem, [a, b], opts);
  const maxRelError = Math.max(0, ...pts.map(([x, y]) => relativeError(x!, y!)));
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  return { equal: pts.length > 0 && maxRelError <= tolerance, inconclusive: pts.length === 0, points: pts.length, maxRelError };
}
