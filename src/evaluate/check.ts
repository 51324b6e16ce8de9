// The numeric oracle: evaluate f and a claimed derivative at random points of the whole domain
// (domain.ts: both signs, small and large values, random sizes) and compare with finite
// differences that carry an error estimate (differences.ts).
//
// A point yields one of three outcomes: the claim agrees (relative error within tolerance), it
// disagrees by far more than the differences' own error (a wrong formula), or the differences are
// too uncertain to tell (the point is counted as untrusted, never as a failure). A check fails
// only on a trustworthy disagreement; with no trustworthy point at all it is inconclusive.

import { componentName, type Expr } from "../expr/expr.js";
import { COMPONENT_INDEX } from "../calculus/differential.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import { derivativeWithError, directions, inner, NOISE_GAIN, stepFor, type Estimate } from "./differences.js";
import { definedIn, drawPoint, frozenAt, kindOf, kinkArguments, withDefinitions, type Point, type PointKind } from "./domain.js";
import { DomainError, evaluate, evaluateJittered, fill, frobeniusNorm, isFiniteMatrix, type Env, type Matrix } from "./numeric.js";
import { Random } from "./random.js";
import { nowMs } from "../clock.js";

export interface CheckOptions {
  points?: number;
  seed?: number;
  /** Relative error ‖FD − G‖/max(‖FD‖, ‖G‖) above which a point fails. */
  tolerance?: number;
  /** Start the round of point kinds here (property tests spread their single points over the kinds). */
  kindOffset?: number;
  /** Called after each point (for progress reports on long checks). */
  onProgress?: (done: number, wanted: number, elapsedMs: number) => void;
}

export interface CheckResult {
  /** true: every trustworthy point agreed (and there was one); false: a wrong formula, or inconclusive. */
  ok: boolean;
  /** No point could be judged: none in the domain, or differences too uncertain everywhere. */
  inconclusive: boolean;
  /** Points judged. */
  points: number;
  /** Points skipped because the differences were too uncertain to judge. */
  untrusted: number;
  /** The kinds of the points judged. */
  kinds: PointKind[];
  maxRelError: number;
  /** Per variable, the worst relative error seen. */
  errors: Record<string, number>;
  /** Sizes drawn at the worst point, for the report. */
  dims: Record<string, number>;
}

export const DEFAULT_TOLERANCE = 1e-6;
/** Differences whose estimated error exceeds this times max(1, |f|) cannot resolve a zero derivative. */
const NOISE_FLOOR = 1e-5;
/** A disagreement within this many times the estimated error of the differences proves nothing. */
const ERROR_MARGIN = 10;

/** What one point yields, per variable: differences (with errors) and the claim, stacked alike. */
interface Measured {
  name: string;
  fd: Estimate[];
  claimed: number[];
  /** How far rounding in evaluating the claim may move each entry (the claim's own uncertainty). */
  claimedError?: number[];
  /** Extra disagreement that needs no differences (a symmetric variable's claim must be symmetric). */
  asymmetry?: number;
  /**
   * How far rounding may move f's value at the point (roundingOfValue), asked only where a
   * disagreement stays after the closer looks; gradients give it, the other checks do not.
   */
  fRounding?: () => number;
  /** No entry could be resolved by differences (smoothOnly): no verdict for this variable. */
  unresolved?: boolean;
}
/** Measure at a point; the differences' steps are `stepScale` times the usual (stepFor). */
type Measure = (point: Point, rng: Random, stepScale: number) => Measured[];

/**
 * Before a disagreement counts, the point is measured again with steps this many times smaller:
 * a function that turns faster than the usual steps resolve (sin of a determinant in the
 * thousands) gives differences that agree with each other at every usual step and are nothing
 * like its derivative, which only steps of its own scale see. A wrong formula still disagrees
 * there; a right one agrees, or the point is too uncertain to judge.
 */
const CLOSER_LOOKS = [1e-3, 1e-6];

function worstError(o: Outcome): number {
  return o.judged ? Math.max(0, ...Object.values(o.errors)) : 0;
}

type Outcome = { judged: true; errors: Record<string, number> } | { judged: false };

function judge(point: Point, measured: Measured[], tolerance: number, withValueNoise = false): Outcome {
  const errors: Record<string, number> = {};
  for (const m of measured) {
    if (m.unresolved) return { judged: false };
    const fd = m.fd.map((e) => e.value);
    if (!fd.every(Number.isFinite) || !m.claimed.every(Number.isFinite)) throw new DomainError("not finite");
    const scale = Math.max(norm(fd), norm(m.claimed));
    const diff = norm(fd.map((x, i) => x - m.claimed[i]!));
    const uncertainty = norm(m.fd.map((e) => e.error)) + norm(m.claimedError ?? []) + (withValueNoise ? norm(m.fd.map((_, i) => valueNoise(m, i))) : 0);
    if (Number.isNaN(uncertainty)) return { judged: false };
    const resolvable = uncertainty <= NOISE_FLOOR * Math.max(1, point.f);
    if (scale <= ERROR_MARGIN * uncertainty && resolvable && (m.asymmetry ?? 0) <= tolerance) {
      // both are zero as far as the differences can tell (f does not depend on this variable here)
      errors[m.name] = 0;
      continue;
    }
    const rel = Math.max(diff / Math.max(scale, 1e-300), m.asymmetry ?? 0);
    // a disagreement the differences cannot vouch for is no verdict
    if (rel > tolerance && (m.asymmetry ?? 0) <= tolerance && diff <= ERROR_MARGIN * uncertainty) return { judged: false };
    errors[m.name] = rel;
  }
  return { judged: true, errors };
}

/**
 * An entry whose differences cannot resolve the claim either way at a look: the
 * differences are imprecise (error over a tenth of their value), f moves over the stencil by far
 * more than its rounding, and yet the claim says it would move ten times more than it does.
 * Such an f turns on a scale no step in double precision reaches (cos of entries of exp(·) in the
 * tens: derivatives of 1e13), and its differences are secants of an oscillation. A smooth f meets
 * none of this: its differences are precise, and a wrong claim about it still fails (an f that
 * does not depend on the entry does not move at all, and a claim that it does still fails).
 */
function unresolvable(e: Estimate, claimed: number, fNoise: number): boolean {
  return e.error >= 0.1 * Math.abs(e.value) && e.range > 0 && e.range >= 10 * fNoise && Math.abs(claimed) * e.step >= 10 * e.range;
}

/**
 * A disagreement that stays at every look counts if, at one of them (the closest first), it also
 * stands out of the rounding of f itself, which the differences' own estimate misses where f
 * cancels (log(1 + t¹⁰c) is 0 at a small t: its differences are 0 ± 0, and the right derivative,
 * 1e-20, failed), and of what the differences can resolve (unresolvable). The closest look alone
 * would not do: its steps are so small that f's rounding swamps a wrong formula's 1% as well.
 */
function confirmed(point: Point, looks: readonly Measured[][], tolerance: number): Outcome {
  for (let i = looks.length - 1; i >= 0; i--) {
    const outcome = judge(point, smoothOnly(looks[i]!, looks), tolerance, true);
    if (worstError(outcome) > tolerance) return outcome;
  }
  return { judged: false };
}

/**
 * Differences along one direction (the same claimed value: coordinate directions are the same at
 * every look) that disagree between looks beyond their errors: a smooth f has one derivative
 * whatever the step, and a wrong claim about it meets differences that agree with each other.
 */
function inconsistentAcrossLooks(m: Measured, i: number, looks: readonly Measured[][]): boolean {
  const e = m.fd[i]!;
  const spread = e.error + valueNoise(m, i);
  for (const look of looks) {
    const other = look.find((o) => o.name === m.name);
    if (!other || other === m || other.claimed[i] !== m.claimed[i]) continue;
    const o = other.fd[i]!;
    if (Math.abs(o.value - e.value) > INCONSISTENT_LOOKS * (spread + o.error + valueNoise(other, i))) return true;
  }
  return false;
}

/** How far the rounding of f itself may move entry i of the differences (its step's share of it). */
function valueNoise(m: Measured, i: number): number {
  return m.fRounding ? (NOISE_GAIN * m.fRounding()) / m.fd[i]!.step : 0;
}

const INCONSISTENT_LOOKS = 10;

/** The measurements without their unresolvable entries; a variable with none left is unresolved. */
function smoothOnly(measured: Measured[], looks: readonly Measured[][]): Measured[] {
  return measured.map((m) => {
    // (only where f's own rounding was measured, as for gradients: without it a flat f looks rough)
    const keep = m.fd.map((e, i) => !(m.fRounding && unresolvable(e, m.claimed[i]!, m.fRounding())) && !inconsistentAcrossLooks(m, i, looks));
    if (keep.every(Boolean)) return m;
    const pick = <T>(xs: readonly T[] | undefined) => xs?.filter((_, i) => keep[i]);
    return { ...m, fd: pick(m.fd)!, claimed: pick(m.claimed)!, claimedError: pick(m.claimedError), unresolved: !keep.some(Boolean) };
  });
}

const norm = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));

/**
 * The loop every check shares: points of each kind in turn, in the domain of f and away from the
 * kinks and poles of f and the claims; measure, judge, and keep the worst relative error.
 */
function runChecks(problem: Problem, f: Expr, claims: readonly Expr[], opts: CheckOptions, measure: Measure): CheckResult {
  const rng = new Random(opts.seed ?? 1);
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const wanted = opts.points ?? 3;
  const started = nowMs();
  const errors: Record<string, number> = {};
  const kinds: PointKind[] = [];
  let dims: Record<string, number> = {};
  let maxRelError = 0;
  let untrusted = 0;
  const kinks = kinkArguments(problem, [f, ...claims]);
  for (let k = 0; k < wanted * 4 && kinds.length < wanted; k++) {
    const point = drawPoint(problem, kindOf(k + (opts.kindOffset ?? 0)), rng, { finite: [f], kinks });
    if (!point) break;
    let outcome: Outcome;
    try {
      const looks = [measure(point, rng, 1)];
      outcome = judge(point, looks[0]!, tolerance);
      for (const stepScale of CLOSER_LOOKS) {
        if (worstError(outcome) <= tolerance) break;
        looks.push(measure(point, rng, stepScale));
        outcome = judge(point, looks[looks.length - 1]!, tolerance);
      }
      if (worstError(outcome) > tolerance) outcome = confirmed(point, looks, tolerance);
    } catch (e) {
      if (e instanceof DomainError) continue;
      throw e;
    }
    opts.onProgress?.(kinds.length + 1, wanted, nowMs() - started);
    if (!outcome.judged) {
      untrusted++;
      continue;
    }
    kinds.push(point.kind);
    for (const [name, err] of Object.entries(outcome.errors)) {
      errors[name] = Math.max(errors[name] ?? 0, err);
      if (err >= maxRelError) {
        maxRelError = err;
        dims = Object.fromEntries(point.env.dims);
      }
    }
  }
  const points = kinds.length;
  return { ok: points > 0 && maxRelError <= tolerance, inconclusive: points === 0, points, untrusted, kinds, maxRelError, errors, dims };
}

const isSymmetricVar = (v: VarInfo) => v.typeKind === "symmetric" || v.typeKind === "spd";

function shapeOf(a: Matrix): [number, number] {
  return [a.length, a[0]!.length];
}

/** The point's environment with one variable set to `value`, in a copy of the point's values. */
function envWith(point: Point, name: string, value: Matrix): Env {
  const values = new Map(point.env.values);
  values.set(name, value);
  return { values, dims: point.env.dims, ...(point.env.generators ? { generators: point.env.generators } : {}) };
}

function moved(x0: Matrix, d: Matrix, t: number): Matrix {
  const out: Matrix = new Array<number[]>(x0.length);
  for (let p = 0; p < x0.length; p++) {
    const row = x0[p]!;
    const dp = d[p]!;
    const o = new Array<number>(row.length);
    for (let q = 0; q < row.length; q++) o[q] = row[q]! + t * dp[q]!;
    out[p] = o;
  }
  return out;
}

function scalarValue(f: Expr, env: Env, memo?: Map<Expr, Matrix>): number {
  const v = evaluate(f, env, memo)[0]![0]!;
  if (!Number.isFinite(v)) throw new DomainError("not finite");
  return v;
}

/**
 * Per entry, how far rounding may move a claim's value: the gap between a plain and a jittered
 * evaluation, with a safety factor (one jittered run sees one draw of the rounding errors).
 */
const ROUNDING_SAFETY = 30;

function roundingOf(plain: Matrix, jittered: Matrix): Matrix {
  return plain.map((row, i) => row.map((x, j) => ROUNDING_SAFETY * Math.abs(x - jittered[i]![j]!)));
}

/**
 * How far rounding may move the value of the scalar f at the point: the gap between a plain and a
 * jittered evaluation (with a generator of its own, so that the check's points stay as they were),
 * with the same safety factor as a claim's.
 */
function roundingOfValue(f: Expr, env: Env): number {
  const plain = evaluate(f, env)[0]![0]!;
  const jittered = evaluateJittered(f, env, new Random(7))[0]![0]!;
  const gap = ROUNDING_SAFETY * Math.abs(plain - jittered);
  return Number.isFinite(gap) ? gap : 0;
}

/** roundingOfValue, once per point (every look and variable at a point asks the same). */
const valueRoundings = new WeakMap<Point, number>();
function pointRounding(f: Expr, point: Point): number {
  let r = valueRoundings.get(point);
  if (r === undefined) valueRoundings.set(point, (r = roundingOfValue(f, point.env)));
  return r;
}

/** ‖G − Gᵀ‖/‖G‖: a symmetric variable's gradient must be symmetric (the symmetric convention). */
function asymmetry(g: Matrix): number {
  const n = frobeniusNorm(g);
  if (n === 0 || g.length !== g[0]!.length) return 0;
  return frobeniusNorm(g.map((row, i) => row.map((x, j) => x - g[j]![i]!))) / n;
}

/** Directional differences of f along each direction of v, with the claim's ⟨G, D⟩ beside them. */
function measureGradient(problem: Problem, f: Expr, point: Point, v: VarInfo, G: Expr, rng: Random, stepScale: number): Measured {
  const x0 = point.env.values.get(v.name)!;
  const g = evaluate(G, point.env);
  const rounding = roundingOf(g, evaluateJittered(G, point.env, rng));
  const h = stepFor(x0) * stepScale;
  const fd: Estimate[] = [];
  const claimed: number[] = [];
  const claimedError: number[] = [];
  const memo = frozenAt(problem, [f], v.name, point.env);
  for (const d of directions(isSymmetricVar(v), shapeOf(x0), rng)) {
    const phi = (t: number) => {
      const m = memo();
      return [scalarValue(f, definedIn(envWith(point, v.name, moved(x0, d, t)), problem, v.name, 0, m), m)];
    };
    fd.push(derivativeWithError(phi, h)[0]!);
    claimed.push(inner(g, d));
    claimedError.push(Math.abs(inner(rounding, d)));
  }
  return { name: v.name, fd, claimed, claimedError, fRounding: () => pointRounding(f, point), ...(isSymmetricVar(v) ? { asymmetry: asymmetry(g) } : {}) };
}

export function checkGradients(
  problem: Problem,
  f: Expr,
  results: ReadonlyArray<{ wrt: VarInfo; value: Expr }>,
  opts: CheckOptions = {},
): CheckResult {
  return runChecks(problem, f, results.map((r) => r.value), opts, (point, rng, stepScale) =>
    results.map((r) => measureGradient(problem, f, point, r.wrt, r.value, rng, stepScale)),
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

/**
 * How a claimed linearisation answers a direction E: J·vec(E) for a Jacobian, dF[dX = E] for a
 * differential (evaluated with simulated rounding when `jitter` is given).
 */
export type Linearisation = (env: Env, v: VarInfo, E: Matrix, jitter?: Random) => Matrix;

const evaluateMaybeJittered = (e: Expr, env: Env, jitter?: Random) => (jitter ? evaluateJittered(e, env, jitter) : evaluate(e, env));

export const jacobianClaim =
  (J: Expr): Linearisation =>
  (env, _v, E, jitter) =>
    matmulM(evaluateMaybeJittered(J, env, jitter), vecM(E));

export const differentialClaim =
  (dF: Expr): Linearisation =>
  (env, v, E, jitter) => {
    const values = new Map(env.values);
    values.set(`d:${v.name}`, E);
    return vecM(evaluateMaybeJittered(dF, { values, dims: env.dims }, jitter));
  };

/**
 * Compare a claimed linearisation of F with differences of vec(F) along each direction of each
 * variable, at random points. `claims` are the expressions behind the linearisations (their poles
 * are kept away like f's).
 */
export function checkLinearisations(
  problem: Problem,
  F: Expr,
  claims: ReadonlyArray<{ wrt: VarInfo; claim: Linearisation; expr?: Expr }>,
  opts: CheckOptions = {},
): CheckResult {
  const exprs = claims.flatMap((c) => (c.expr ? [c.expr] : []));
  // claims about the same variable share its differences (a Hessian and its d(∇f))
  const groups = new Map<string, Array<{ wrt: VarInfo; claim: Linearisation }>>();
  for (const c of claims) groups.set(c.wrt.name, [...(groups.get(c.wrt.name) ?? []), c]);
  return runChecks(problem, F, exprs, opts, (point, rng, stepScale) =>
    [...groups.values()].flatMap((group) => {
      const wrt = group[0]!.wrt;
      const x0 = point.env.values.get(wrt.name)!;
      const h = stepFor(x0) * stepScale;
      const fd: Estimate[] = [];
      const measured = group.map(() => ({ claimed: [] as number[], claimedError: [] as number[] }));
      for (const d of directions(isSymmetricVar(wrt), shapeOf(x0), rng)) {
        const phi = (t: number) => {
          const v = evaluate(F, definedIn(envWith(point, wrt.name, moved(x0, d, t)), problem, wrt.name));
          if (!isFiniteMatrix(v)) throw new DomainError("not finite");
          return vecM(v).map((row) => row[0]!);
        };
        fd.push(...derivativeWithError(phi, h));
        group.forEach(({ claim }, i) => {
          const c = claim(point.env, wrt, d);
          const r = roundingOf(c, claim(point.env, wrt, d, rng));
          measured[i]!.claimed.push(...c.map((row) => row[0]!));
          measured[i]!.claimedError.push(...r.map((row) => row[0]!));
        });
      }
      return measured.map((m) => ({ name: wrt.name, fd, ...m }));
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
    untrusted: a.untrusted + b.untrusted,
    kinds: a.kinds.length <= b.kinds.length ? a.kinds : b.kinds,
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
  // a scalar f is its own vec, and ∂f/∂θ_k its own column
  return checkComponentLinearisation(problem, f, theta, Gk, opts);
}

/**
 * For a Jacobian or differential written with ∂NAME/∂θ_k (a vector θ reached through NAME(θ)):
 * evaluate column k with the ∂NAME/∂θ_k of each k and compare with differences of vec(F) along e_k.
 */
export function checkComponentLinearisation(problem: Problem, F: Expr, theta: VarInfo, column: Expr, opts: CheckOptions = {}): CheckResult {
  return runChecks(problem, F, [column], opts, (point, _rng, stepScale) => {
    const t0 = point.env.values.get(theta.name)!;
    const h = stepFor(t0) * stepScale;
    const fd: Estimate[] = [];
    const claimed: number[] = [];
    for (let k = 0; k < t0.length; k++) {
      const phi = (t: number) => {
        const v = evaluate(F, definedIn(envWith(point, theta.name, t0.map((row, i) => [row[0]! + (i === k ? t : 0)])), problem));
        if (!isFiniteMatrix(v)) throw new DomainError("not finite");
        return vecM(v).map((row) => row[0]!);
      };
      fd.push(...derivativeWithError(phi, h));
      const env = withDefinitions(problem, point.env.values, point.env.dims, point.env.generators, undefined, k);
      env.values.set(`d:${componentName(theta.name, COMPONENT_INDEX)}`, [[1]]); // a differential's dθₖ
      const c = evaluate(column, env);
      claimed.push(...vecM(c).map((row) => row[0]!));
    }
    return [{ name: theta.name, fd, claimed }];
  });
}

// ---------------------------------------------------------------- comparing expressions

export function relativeError(a: Matrix, b: Matrix): number {
  const diff = a.map((row, i) => row.map((x, j) => x - b[i]![j]!));
  return frobeniusNorm(diff) / Math.max(frobeniusNorm(a), frobeniusNorm(b), 1e-8);
}

/** The plain stencil for a matrix-valued φ, entry by entry (the rule-table walk uses it). */
export function matrixDerivative(phi: (t: number) => Matrix, h: number): Matrix {
  const base = phi(0);
  const cols = base[0]!.length;
  const est = derivativeWithError((t) => phi(t).flat(), h);
  return base.map((row, i) => row.map((_, j) => est[i * cols + j]!.value));
}

export interface Sample {
  /** The values of the expressions at the point (undefined where one is not finite there). */
  values: Array<Matrix | undefined>;
  env: Env;
  kind: PointKind;
}

/**
 * Points of every kind in turn where `domain` (and the definitions) are finite, with each of
 * `exprs` evaluated there; an expression undefined at such a point is reported as undefined, not
 * skipped: that is a difference too. No margin from kinks: plain comparisons want points near them.
 */
export function samplePoints(problem: Problem, exprs: readonly Expr[], opts: CheckOptions & { domain?: readonly Expr[] } = {}): Sample[] {
  const rng = new Random(opts.seed ?? 1);
  const wanted = opts.points ?? 3;
  const out: Sample[] = [];
  for (let k = 0; k < wanted * 4 && out.length < wanted; k++) {
    const point = drawPoint(problem, kindOf(k), rng, { finite: opts.domain ?? [] });
    if (!point) break;
    const values = exprs.map((e) => {
      try {
        const v = evaluate(e, point.env);
        return isFiniteMatrix(v) ? v : undefined;
      } catch (err) {
        if (err instanceof DomainError) return undefined;
        throw err;
      }
    });
    if (values.every((v) => v === undefined)) continue; // outside every expression's domain
    out.push({ values, env: point.env, kind: point.kind });
  }
  return out;
}

export interface NumericComparison {
  equal: boolean;
  inconclusive: boolean;
  points: number;
  kinds: PointKind[];
  maxRelError: number;
  /** A point where the two differ (with both values), when they do. */
  counterexample?: { env: Env; a: Matrix | undefined; b: Matrix | undefined };
}

/**
 * a = b at random points of every kind. Where one side is undefined and the other is not, they
 * differ there. `domain` defaults to points where either side is defined.
 */
export function compareNumerically(problem: Problem, a: Expr, b: Expr, opts: CheckOptions & { domain?: readonly Expr[] } = {}): NumericComparison {
  const pts = samplePoints(problem, [a, b], opts);
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  let maxRelError = 0;
  let counterexample: NumericComparison["counterexample"];
  let compared = 0;
  const kinds: PointKind[] = [];
  for (const p of pts) {
    const [x, y] = p.values;
    if (x === undefined && y === undefined) continue;
    compared++;
    kinds.push(p.kind);
    const err = x === undefined || y === undefined ? Infinity : relativeError(x, y);
    if (err > maxRelError) {
      maxRelError = err;
      if (err > tolerance) counterexample = { env: p.env, a: x, b: y };
    }
  }
  return {
    equal: compared > 0 && maxRelError <= tolerance,
    inconclusive: compared === 0,
    points: compared,
    kinds,
    maxRelError,
    ...(counterexample ? { counterexample } : {}),
  };
}
