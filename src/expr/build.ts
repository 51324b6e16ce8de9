// Canonical smart constructors: the only way the engine builds expressions.
//
// Each constructor returns a canonical form, so that equal expressions usually meet as the same
// interned node and like terms collect:
// - sums are flat, zero-free, like terms collected (numeric coefficients added), sorted structurally;
// - products are flat: numeric coefficient first, then 1×1 (scalar) factors sorted (they commute),
//   then the matrix chain in order; identities dropped; X·X⁻¹ cancelled;
// - a 1×1 chain (xᵀAy) is stored in whichever of its two orientations (xᵀAy, yᵀAᵀx) sorts first;
// - transposes are pushed to the leaves ((AB)ᵀ = BᵀAᵀ), vanish on symmetric names and scalars;
// - numeric coefficients distribute over sums, so -(a - b) and b - a meet.
// These rules are all exact identities; none depends on the order terms were written in.

import {
  apply as rawApply,
  assertNever,
  isScalar,
  extendedProduct,
  firstFactor,
  GenerationMap,
  GenerationSet,
  lastFactor,
  node,
  num,
  permanent,
  pushAll,
  sym,
  type Expr,
  type FnName,
} from "./expr.js";
import { compareExpr, compareLists } from "./order.js";
import * as Q from "./rational.js";
import type { Rational } from "./rational.js";
import {
  coreDims,
  diagShape,
  dimProduct,
  elementwiseShape,
  formatShape,
  isScalarShape,
  kronShape,
  productShape,
  SCALAR,
  shapeEquals,
  squareShape,
  vecShape,
  type Dim,
  type RuleResult,
  type Shape,
} from "./shape.js";

export class InternalError extends Error {}

function shapeOrThrow(r: RuleResult<Dim>, what: string): Shape {
  if (!r.ok) throw new InternalError(`internal: shape rule failed for ${what}: ${JSON.stringify(r.error)}`);
  return r.shape;
}

// ---------------------------------------------------------------- leaves

export const num0 = permanent(num(Q.ZERO));
export const num1 = permanent(num(Q.ONE));
export const numMinus1 = permanent(num(Q.MINUS_ONE));

export function numeric(value: Rational | number): Expr {
  return num(typeof value === "number" ? Q.rat(value) : value);
}

export function zeros(shape: Shape): Expr {
  if (shapeEquals(shape, SCALAR)) return num0;
  return node("zeros", shape, []);
}

export function ones(shape: Shape): Expr {
  if (shapeEquals(shape, SCALAR)) return num1;
  return node("ones", shape, []);
}

export function eye(n: Dim): Expr {
  if (n === 1) return num1;
  return node("eye", [n, n], []);
}

/** π, the one built-in constant (a name, so answers keep it exact: 2π, not 6.283185307179586). */
export const PI = permanent(sym("pi", SCALAR, "const", true));

/** A dimension used as a scalar value: `D` in -D/2*logdet(K), or the number for a literal size. */
export function dimValue(d: Dim): Expr {
  if (typeof d === "number") return numeric(d);
  return sym(d, SCALAR, "dim", true);
}

export function isZero(e: Expr): boolean {
  return e.kind === "zeros" || (e.kind === "num" && Q.isZero(e.value));
}

export function isOneScalar(e: Expr): boolean {
  return e.kind === "num" && Q.isOne(e.value);
}

// ---------------------------------------------------------------- coefficients

/** Split e into numeric coefficient × rest (rest is num1 for a plain number). */
export function splitCoeff(e: Expr): [Rational, Expr] {
  if (e.kind === "num") return [e.value, num1];
  if (e.kind === "mul" && firstFactor(e)!.kind === "num") {
    const args = e.args;
    const c = args[0] as Extract<Expr, { kind: "num" }>;
    return [c.value, args.length === 2 ? args[1]! : node("mul", e.shape, args.slice(1))];
  }
  return [Q.ONE, e];
}

export function scale(c: Rational, e: Expr): Expr {
  if (Q.isOne(c)) return e;
  return rescaled(c, e) ?? mul([num(c), e]);
}

/** Kinds that enter a product as one factor, unchanged (collectFactor): c·e is the node [c, e]. */
const ATOM_KINDS: ReadonlySet<Expr["kind"]> = new Set(["sym", "dvar", "partial", "eye", "ones", "transpose", "inv", "pow", "hadamard", "hdiv", "epow", "kron", "apply"]);

/**
 * A product of plain matrix factors (isPlainMatrixFactor), after a numeric coefficient and scalar
 * names or functions (s, tr(A)) if any. Not a 1×1 product, nor one with powers or inner products
 * among its scalars: those mul may regroup or reorient.
 */
function isScaledPlainChain(e: Expr): boolean {
  if (isPlainChain(e)) return true;
  if (isScalar(e)) return false;
  const args = e.args;
  for (let i = args[0]!.kind === "num" ? 1 : 0; i < args.length; i++) {
    const f = args[i]!;
    if (!isPlainMatrixFactor(f) && !(isScalar(f) && (f.kind === "sym" || f.kind === "apply"))) return false;
  }
  return true;
}

/**
 * Fast path of scale: a single atom, or a chain of plain matrix factors, times a number is the
 * same product with only its coefficient changed, where mul would take every factor apart and put
 * it back together (scaling is the most common product of all: every term of every sum). Zero,
 * sums (c·(a + b) distributes) and products with scalar factors take the general path.
 * test/expr/products.test.ts checks that this gives mul's node.
 */
function rescaled(c: Rational, e: Expr): Expr | undefined {
  if (Q.isZero(c)) return undefined;
  if (ATOM_KINDS.has(e.kind)) return node("mul", e.shape, [num(c), e]);
  // Only a plain matrix chain after the coefficient and scalar names or functions: mul regroups
  // powers and inner products among scalar factors (x'x·(x'x)² is (x'x)³), and the orientation of a
  // 1×1 chain can turn a primitive sum into one whose sign mul takes out, so products with those do
  // not always come out of mul as they went in.
  if (e.kind !== "mul") return undefined;
  if (!isScaledPlainChain(e)) return recoefficiented(c, e);
  const first = firstFactor(e)!;
  if (first.kind !== "num") return node("mul", e.shape, [num(c), ...e.args]);
  const k = Q.mul(c, first.value);
  if (Q.isZero(k)) return undefined;
  const rest = e.args.slice(1);
  if (Q.isOne(k)) return rest.length === 1 ? rest[0]! : node("mul", e.shape, rest);
  return node("mul", e.shape, [num(k), ...rest]);
}

/**
 * The other fast path of scale: c times a matrix product with scalar factors among its own
 * (2s·A, (1 + s)AB, s²·Aᵀ) is that product with its coefficient changed. Not a 1×1 product, nor one
 * with an inner product among its factors, or a power of one: beside a 1×1 chain mul would
 * regroup those ((yᵀy)²·yᵀy is (yᵀy)³ the second time round). Hessians scale such products at every
 * step of the product rule. test/expr/products.test.ts checks that this gives mul's node.
 */
function recoefficiented(c: Rational, e: Extract<Expr, { kind: "mul" }>): Expr | undefined {
  if (isScalar(e)) return undefined;
  for (const f of e.args) if (f.kind === "mul" || (f.kind === "pow" && f.args[0]!.kind === "mul")) return undefined;
  const first = firstFactor(e)!;
  const k = first.kind === "num" ? Q.mul(c, first.value) : c;
  if (Q.isZero(k)) return undefined;
  const rest = first.kind === "num" ? e.args.slice(1) : e.args;
  if (Q.isOne(k)) return rest.length === 1 ? rest[0]! : node("mul", e.shape, rest);
  return node("mul", e.shape, [num(k), ...rest]);
}

export function neg(e: Expr): Expr {
  return scale(Q.MINUS_ONE, e);
}

export function sub(a: Expr, b: Expr): Expr {
  return add([a, neg(b)]);
}

// ---------------------------------------------------------------- sums

export function add(terms: readonly Expr[]): Expr {
  if (terms.length === 1 && terms[0]!.kind !== "add") return loneTerm(terms[0]!);
  const flat: Expr[] = [];
  for (const t of terms) {
    if (t.kind === "add") pushAll(flat, t.args);
    else flat.push(t);
  }
  if (flat.length === 0) throw new InternalError("internal: empty sum");
  const shape = flat[0]!.shape;
  for (const t of flat) {
    if (!shapeEquals(t.shape, shape)) {
      throw new InternalError(`internal: sum of ${formatShape(shape)} and ${formatShape(t.shape)}`);
    }
  }
  // Collect like terms: rest -> summed coefficient. Insertion order is irrelevant: sorted below.
  // (parallel arrays, indexed by a map, rather than a map of coefficients: sums of thousands of
  // terms are common in large inputs, and most rests occur once)
  // (a rest met once keeps its term as it came: the term is already c·rest, and remaking it
  // would cost a product per term of every sum)
  const at = new Map<Expr, number>();
  const rests: Expr[] = [];
  const sums: Rational[] = [];
  const alone: Array<Expr | undefined> = [];
  for (const t of flat) {
    if (isZero(t)) continue;
    const split = splitCoeff(t);
    const c = split[0];
    const rest = split[1];
    const i = at.get(rest);
    if (i === undefined) {
      at.set(rest, rests.length);
      rests.push(rest);
      sums.push(c);
      alone.push(t);
    } else {
      sums[i] = Q.add(sums[i]!, c);
      alone[i] = undefined;
    }
  }
  let out: Expr[] = [];
  for (let i = 0; i < rests.length; i++) {
    const c = sums[i]!;
    if (Q.isZero(c)) continue;
    out.push(alone[i] ?? (rests[i] === num1 ? num(c) : scale(c, rests[i]!)));
  }
  // each term's coefficient and rest, taken once (the merges below and the sort all look at them)
  const parts = out.map(splitCoeff);
  if (parts.some((p) => p[1].kind === "kron" || isVec(p[1]) || isDiagm(p[1]))) {
    const merged = mergeAlike(out, parts, shape);
    if (merged !== undefined) return merged;
  }
  if (out.length === 0) return zeros(shape);
  if (out.length === 1) return out[0]!;
  const order = out.map((_, i) => i).sort((i, j) => compareSplit(parts[i]!, parts[j]!));
  return node("add", shape, order.map((i) => out[i]!));
}

/**
 * Terms of one kind that a sum writes as one (vec, kron with a shared side, diag), if there are
 * such: the merged sum, else undefined (most sums have none of these kinds and skip this).
 */
function mergeAlike(out: Expr[], parts: ReadonlyArray<[Rational, Expr]>, shape: Shape): Expr | undefined {
  const restIs = (test: (rest: Expr) => boolean) => out.filter((_, i) => test(parts[i]![1]));
  // vec(P) + c·vec(Q) = vec(P + c·Q) for P, Q of one shape
  const vecs = restIs(isVec);
  if (vecs.length >= 2 && vecs.every((t) => shapeEquals(splitCoeff(t)[1].args[0]!.shape, splitCoeff(vecs[0]!)[1].args[0]!.shape))) {
    const merged = applyFn("vec", [add(vecs.map((t) => scale(splitCoeff(t)[0], splitCoeff(t)[1].args[0]!)))]);
    const rest = out.filter((t) => !vecs.includes(t));
    return rest.length === 0 ? merged : add([...rest, merged]);
  }
  // L ⊗ A + c·L ⊗ B = L ⊗ (A + c·B), and A ⊗ R + c·B ⊗ R = (A + c·B) ⊗ R: I ⊗ A + I ⊗ Aᵀ = I ⊗ (A + Aᵀ)
  const krons = restIs((r) => r.kind === "kron");
  for (const side of [0, 1] as const) {
    const shared = krons.map((t) => splitCoeff(t)[1].args[side]!);
    const key = shared.find((k, i) => shared.indexOf(k) !== i);
    if (key === undefined) continue;
    const group = krons.filter((t) => splitCoeff(t)[1].args[side] === key);
    const others = group.map((t) => scale(splitCoeff(t)[0], splitCoeff(t)[1].args[1 - side]!));
    const merged = side === 0 ? kron(key, add(others)) : kron(add(others), key);
    const rest = out.filter((t) => !group.includes(t));
    return rest.length === 0 ? merged : add([...rest, merged]);
  }
  // diag(a) + c·diag(b) = diag(a + c·b): one diagonal (the logistic Hessian's Xᵀdiag(σ ⊙ (1 − σ))X)
  const diagonals = restIs(isDiagm);
  if (diagonals.length >= 2) {
    const merged = applyFn("diagm", [add(diagonals.map((t) => scale(splitCoeff(t)[0], splitCoeff(t)[1].args[0]!)))]);
    const kept = [...out.filter((t) => !diagonals.includes(t)), ...(isZero(merged) ? [] : [merged])];
    if (kept.length === 0) return zeros(shape);
    return kept.length === 1 ? kept[0]! : add(kept);
  }
  return undefined;
}

/**
 * A sum of one term that is no sum: what the general path makes of it (no like terms to collect,
 * nothing to merge with or sort), without its tables. The product rule and the read-off make
 * such sums at every step.
 */
function loneTerm(t: Expr): Expr {
  if (isZero(t)) return zeros(t.shape);
  const split = splitCoeff(t);
  if (Q.isZero(split[0])) return zeros(t.shape);
  return split[1] === num1 ? num(split[0]) : scale(split[0], split[1]);
}

/** The order of terms in a sum, split into coefficient and rest: by rest, then coefficient. */
function compareSplit(a: [Rational, Expr], b: [Rational, Expr]): number {
  return compareExpr(a[1], b[1]) || Q.compare(a[0], b[0]);
}

// ---------------------------------------------------------------- products

/** Parts of a product: numeric coefficient, scalar factors (multiset by base), matrix chain. */
interface ProductParts {
  coeff: Rational;
  scalars: Expr[];
  chain: Expr[];
  zero: boolean;
}

/** A 1×1 product whose value comes from a matrix chain (xᵀAx) stays one atom inside other products. */
function isScalarChain(e: Expr): boolean {
  return e.kind === "mul" && isScalar(e) && e.args.some((f) => !isScalar(f));
}

function collectFactor(p: ProductParts, f: Expr): void {
  if (f.kind === "num") {
    p.coeff = Q.mul(p.coeff, f.value);
    if (Q.isZero(f.value)) p.zero = true;
    return;
  }
  if (f.kind === "zeros") {
    p.zero = true;
    return;
  }
  if (f.kind === "mul") {
    if (isScalarChain(f)) {
      // its scalar factors commute with everything; only the pure matrix chain (xᵀAx) is an atom
      const chain = f.args.filter((g) => !isScalar(g));
      for (const g of f.args) if (isScalar(g)) collectFactor(p, g);
      p.scalars.push(chain.length === 1 ? chain[0]! : mul(chain));
      return;
    }
    for (const g of f.args) collectFactor(p, g);
    return;
  }
  if (isScalar(f)) {
    p.scalars.push(f);
    return;
  }
  // (never read past an array's end: an out-of-bounds read is a slow path in V8's optimised code)
  const last = p.chain.length > 0 ? p.chain[p.chain.length - 1] : undefined;
  if (last && last.shape[1] !== f.shape[0]) {
    // (xᵀAx)·B: the chain so far is a 1×1 value that scales what follows
    if (p.chain[0]!.shape[0] !== 1 || last.shape[1] !== 1) {
      throw new InternalError(`internal: product of ${formatShape(chainShape(p.chain))} and ${formatShape(f.shape)}`);
    }
    p.scalars.push(mul(p.chain));
    p.chain = [];
  }
  p.chain.push(f);
}

/** Combine equal scalar bases: s·s -> s², s·s⁻¹ -> 1. */
function combineScalarPowers(scalars: Expr[]): Expr[] {
  // most products have no scalar factor or one that is not a power: nothing to combine
  if (scalars.length === 0) return [];
  if (scalars.length === 1 && scalars[0]!.kind !== "pow") return [scalars[0]!];
  const exps = new Map<Expr, Rational>();
  const order: Expr[] = [];
  for (const s of scalars) {
    let base = s;
    let k = Q.ONE;
    if (s.kind === "pow" && s.args[1]!.kind === "num") {
      base = s.args[0]!;
      k = s.args[1].value;
    }
    if (!exps.has(base)) order.push(base);
    exps.set(base, Q.add(exps.get(base) ?? Q.ZERO, k));
  }
  const out: Expr[] = [];
  for (const base of order) {
    const k = exps.get(base)!;
    if (Q.isZero(k)) continue;
    out.push(Q.isOne(k) ? base : pow(base, num(k)));
  }
  return out;
}

/**
 * Cancel adjacent X·X⁻¹ and X⁻¹·X, drop identities between other factors, and merge the pairs
 * that junction() merges; a scalar a merge leaves (the b of ones(a, b)·ones(b, c)) goes to `scalars`.
 */
function simplifyChain(chain: Expr[], scalars: Expr[] = []): Expr[] {
  const out: Expr[] = [];
  for (const f of chain) {
    if (f.kind === "eye") continue;
    const prev = out.length > 0 ? out[out.length - 1] : undefined;
    const merged = prev && junction(prev, f, scalars);
    if (merged) {
      out.pop();
      pushAll(out, merged);
    } else out.push(f);
  }
  return out;
}

/**
 * What the adjacent factors prev·f of a chain become (none, one, or what they merge into), or
 * undefined when they stay as they are. A chain whose every junction stays is its own
 * simplification, which is what mul's fast path asks.
 */
function junction(prev: Expr, f: Expr, scalars: Expr[]): readonly Expr[] | undefined {
  // ones(a, b)·ones(b, c) = b·ones(a, c) (𝟏ᵀ𝟏 = b), the sum over a broadcast axis. Not for
  // b = 1 (the outer product 𝟏𝟏ᵀ stays): factors meet across a 1 only once an inner product
  // between them is taken out of the chain, after this pass, and the form must be a fixpoint
  if (prev.kind === "ones" && f.kind === "ones" && prev.shape[1] !== 1) {
    scalars.push(dimValue(prev.shape[1]));
    return prev.shape[0] !== 1 || f.shape[1] !== 1 ? [ones([prev.shape[0], f.shape[1]])] : [];
  }
  if (areInverses(prev, f)) return [];
  // uᵀ(v ⊘ u) = sum(v) and (v ⊘ u)ᵀu = sum(v) (where u ≠ 0, as the quotient already requires):
  // softmax(z)ᵀ(y ⊘ softmax(z)) is sum(y); a 1×1 factor left in the chain is a scalar below
  if (prev.kind === "transpose" && f.kind === "hdiv" && f.args[1] === prev.args[0] && f.shape[1] === 1) {
    return [applyFn("sum", [f.args[0]!])];
  }
  if (prev.kind === "hdiv" && prev.shape[0] === 1 && prev.args[1] === transpose(f)) {
    return [applyFn("sum", [prev.args[0]!])];
  }
  // (B ⊗ A)vec(Y) = vec(AYBᵀ) (Magnus & Neudecker; Matrix Cookbook (2012) eq. (520)), and its
  // transpose vec(Y)ᵀ(B ⊗ A) = vec(AᵀYB)ᵀ: answers stay in matrix form
  if (prev.kind === "kron" && isVec(f)) {
    const [B, A] = prev.args as [Expr, Expr];
    const Y = f.args[0]!;
    if (A.shape[1] === Y.shape[0] && B.shape[1] === Y.shape[1]) {
      return [applyFn("vec", [mul([A, Y, transpose(B)])])];
    }
  }
  if (prev.kind === "transpose" && isVec(prev.args[0]!) && f.kind === "kron") {
    const [B, A] = f.args as [Expr, Expr];
    const Y = prev.args[0].args[0]!;
    if (A.shape[0] === Y.shape[0] && B.shape[0] === Y.shape[1]) {
      return [transpose(applyFn("vec", [mul([transpose(A), Y, B])]))];
    }
  }
  // K_{m,n} vec(A) = vec(Aᵀ) for an m×n A: the commutation matrix's defining property
  if (prev.kind === "apply" && prev.fn === "commutation" && isVec(f)) {
    const A = f.args[0]!;
    const [m, n] = prev.args as [Expr, Expr];
    if (dimValue(A.shape[0]) === m && dimValue(A.shape[1]) === n) {
      return [applyFn("vec", [transpose(A)])];
    }
  }
  // vec(P)ᵀvec(Q) = P : Q
  if (prev.kind === "transpose" && isVec(prev.args[0]!) && isVec(f) && shapeEquals(prev.args[0].args[0]!.shape, f.args[0]!.shape)) {
    return [frobenius(prev.args[0].args[0]!, f.args[0]!)];
  }
  if (isDiagm(prev) && isDiagm(f)) {
    // diag(a)·diag(b) = diag(a ⊙ b)
    return [applyFn("diagm", [hadamard([prev.args[0]!, f.args[0]!])])];
  }
  // diag(v)𝟏 = v and 𝟏ᵀdiag(v) = vᵀ: the row sums (column sums) of a diagonal matrix
  if (isDiagm(prev) && f.kind === "ones" && f.shape[1] === 1) return [prev.args[0]!];
  if (prev.kind === "ones" && prev.shape[0] === 1 && isDiagm(f)) return [transpose(f.args[0]!)];
  if (prev.shape[0] === prev.shape[1] && (prev === f || hasPowerParts(prev) || hasPowerParts(f))) {
    // X·X = X², X²·X = X³: repeated square factors become one power (two factors that are
    // neither powers, inverses nor transposes are their own bases: they merge only if equal)
    const [b1, k1] = powerParts(prev);
    const [b2, k2] = powerParts(f);
    if (b1 === b2) {
      return k1 + k2 !== 0 ? [pow(b1, num(Q.rat(k1 + k2)))] : [];
    }
  }
  return undefined;
}

function isVec(e: Expr): e is Extract<Expr, { kind: "apply" }> {
  return e.kind === "apply" && e.fn === "vec";
}

function isDiagm(e: Expr): e is Extract<Expr, { kind: "apply" }> {
  return e.kind === "apply" && e.fn === "diagm";
}

/**
 * May powerParts(e) be anything but [e, 1]? (Exactly as powerParts reads it: a transpose has
 * power parts only through a power, inverse or transpose inside. Most chains are full of plain
 * transposes, Aₖᵀ···A₁ᵀx, and asking this first spares their factors the pairs powerParts makes.)
 */
function hasPowerParts(e: Expr): boolean {
  if (e.kind === "pow" || e.kind === "inv") return true;
  return e.kind === "transpose" && hasPowerParts(e.args[0]!);
}

/** A square factor as base^k, reading X⁻¹ as X^-1 and (X⁻¹)^k as X^-k, so X·X⁻³·X = X⁻¹. */
function powerParts(e: Expr): [Expr, number] {
  if (e.kind === "pow" && e.args[1]!.kind === "num" && Q.isInteger(e.args[1].value)) {
    const [b, k] = powerParts(e.args[0]!);
    return [b, k * e.args[1].value.num];
  }
  if (e.kind === "inv") return [e.args[0]!, -1];
  if (e.kind === "transpose") {
    // (X⁻³)ᵀ is (Xᵀ)^-3: merge through transposes as well
    const [b, k] = powerParts(e.args[0]!);
    if (k !== 1 && b.kind !== "add") return [transpose(b), k];
  }
  return [e, 1];
}

function areInverses(a: Expr, b: Expr): boolean {
  if ((a.kind === "inv" && a.args[0] === b) || (b.kind === "inv" && b.args[0] === a)) return true;
  // Aᵀ·A⁻ᵀ and A⁻ᵀ·Aᵀ
  return a.kind === "transpose" && b.kind === "transpose" && areInverses(a.args[0]!, b.args[0]!);
}

function chainShape(chain: readonly Expr[]): Shape {
  // (one shape made at the end, not one per factor: chains of thousands of factors pass here)
  const first = chain[0]!.shape;
  let cols = first[1];
  for (let i = 1; i < chain.length; i++) {
    const s = chain[i]!.shape;
    if (cols !== s[0]) {
      throw new InternalError(`internal: product of ${formatShape([first[0], cols])} and ${formatShape(s)}`);
    }
    cols = s[1];
  }
  return chain.length === 1 ? first : [first[0], cols];
}

/** Is the chain (of two or more factors) 1×1? */
function isScalarChainShape(chain: readonly Expr[]): boolean {
  const shape = chainShape(chain);
  return shape[0] === 1 && shape[1] === 1;
}

/**
 * A sum inside a product is kept primitive: its numeric content and sign move to the coefficient,
 * so 2(½A − ½B)Z becomes (A − B)Z and −S⁻¹(½y − ½m) meets ½S⁻¹(y − m). In place: few factors are sums.
 */
function takeSumContents(p: ProductParts, factors: Expr[]): void {
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i]!;
    if (f.kind !== "add") continue;
    const content = sumContent(f);
    p.coeff = Q.mul(p.coeff, content[0]);
    factors[i] = content[1];
  }
}

/** Kinds that a product of one factor leaves as they are (no coefficient, sum, power or identity to take apart). */
const LONE_FACTOR_KINDS: ReadonlySet<Expr["kind"]> = new Set(["sym", "dvar", "partial", "ones", "transpose", "inv", "hadamard", "hdiv", "epow", "kron", "apply"]);

/**
 * The canonical product of the factors. Products of one factor and a number times one factor are
 * the most common (readoff, rules, scaling) and mostly come out as they went in: those take a
 * fast path; test/expr/products.test.ts checks that it gives generalProduct's node.
 */
export function mul(factors: readonly Expr[]): Expr {
  if (factors.length === 1 && LONE_FACTOR_KINDS.has(factors[0]!.kind)) return factors[0]!;
  if (factors.length === 2 && factors[0]!.kind === "num") {
    const c = factors[0].value;
    const e = factors[1]!;
    const quick = Q.isOne(c) ? (LONE_FACTOR_KINDS.has(e.kind) ? e : undefined) : rescaled(c, e);
    if (quick !== undefined) return quick;
  }
  if (factors.length >= 2) {
    const plain = plainChain(factors);
    if (plain !== undefined) return plain;
  }
  return generalProduct(factors);
}

/**
 * Fast path of mul: plain matrix factors (AX, the body of almost every trace; the chains of a
 * long product's answer) whose every junction simplifies nothing are their product as they stand,
 * which is what the general path gives (nothing to collect, no coefficient, scalar or inner
 * product, and never a 1×1 chain to reorient: a plain factor is no row).
 */
function plainChain(factors: readonly Expr[]): Expr | undefined {
  let prev = factors[0]!;
  if (!isPlainMatrixFactor(prev)) return undefined;
  for (let i = 1; i < factors.length; i++) {
    const f = factors[i]!;
    if (!isPlainMatrixFactor(f) || prev.shape[1] !== f.shape[0] || !junctionStays(prev, f)) return undefined;
    prev = f;
  }
  // (a copy: the node keeps its list, and the caller may go on to change its own)
  return node("mul", [factors[0]!.shape[0], prev.shape[1]], factors.slice());
}

/** Where junction() puts the scalar a merge leaves, when only whether it merges is asked. */
const discardedScalars: Expr[] = [];

/**
 * Does the junction a·b of two factors other than I simplify nothing? (simplifyChain leaves the
 * pair as it is; a merge that moves a scalar out, ones·ones, changes the pair too.)
 */
function junctionStays(a: Expr, b: Expr): boolean {
  const merged = junction(a, b, discardedScalars);
  // (emptied only when written: setting an array's length is a call into V8's runtime)
  if (discardedScalars.length !== 0) discardedScalars.length = 0;
  return merged === undefined;
}

/**
 * The shape of the product of the operands as given (a scalar operand scales): productShape
 * folded over them, without a shape made per factor (chains of thousands of factors pass here).
 */
function operandsShape(factors: readonly Expr[]): Shape {
  let rows = factors[0]!.shape[0];
  let cols = factors[0]!.shape[1];
  for (let i = 1; i < factors.length; i++) {
    const s = factors[i]!.shape;
    if (rows === 1 && cols === 1) {
      rows = s[0];
      cols = s[1];
    } else if (s[0] === 1 && s[1] === 1) {
      continue;
    } else if (cols === s[0]) {
      cols = s[1];
    } else {
      shapeOrThrow(productShape(coreDims, [rows, cols], s), "*");
    }
  }
  return [rows, cols];
}

/** The canonical product the general way (mul without its fast paths: exported for their tests). */
export function generalProduct(factors: readonly Expr[]): Expr {
  if (factors.length === 0) return num1;
  const extended = extendChain(factors);
  if (extended) return extended;
  const shape = operandsShape(factors);

  // a zero factor (Y − Y) makes the whole product a zero of the product's shape; the remaining
  // chain could not even be multiplied out (1×n · m×1 once the n×m zero is gone)
  if (factors.some(isZero)) return zeros(shape);
  const p: ProductParts = { coeff: Q.ONE, scalars: [], chain: [], zero: false };
  for (const f of factors) collectFactor(p, f);
  if (p.zero || Q.isZero(p.coeff)) return zeros(shape);

  // A numeric multiple of a single sum distributes: c(a + b) = ca + cb.
  if (!Q.isOne(p.coeff) && p.scalars.length === 0 && p.chain.length === 1 && p.chain[0]!.kind === "add") {
    return add(p.chain[0]!.args.map((t) => scale(p.coeff, t)));
  }
  if (!Q.isOne(p.coeff) && p.chain.length === 0 && p.scalars.length === 1 && p.scalars[0]!.kind === "add") {
    return add(p.scalars[0]!.args.map((t) => scale(p.coeff, t)));
  }

  takeSumContents(p, p.scalars);
  takeSumContents(p, p.chain);
  // the content just taken out may leave a numeric multiple of a single sum: that distributes too
  if (!Q.isOne(p.coeff) && p.scalars.length + p.chain.length === 1) {
    const lone = p.scalars.length === 1 ? p.scalars[0]! : p.chain[0]!;
    if (lone.kind === "add") return add(lone.args.map((t) => scale(p.coeff, t)));
  }
  let chain = simplifyChain(p.chain, p.scalars);
  // A junction may give a product (vec(x)ᵀ(x ⊗ I) is xᵀ, vec(K⁻¹)ᵀ(x ⊗ I) is xᵀK⁻¹): its factors join
  // the chain as every other product's do, or one value would be two nodes, the flat one and this
  if (chain.some((f) => f.kind === "mul")) return mul([num(p.coeff), ...p.scalars, ...chain]);
  // a merge may leave a numeric size (ones(n, 3)·ones(3, m)): numbers belong to the coefficient
  if (p.scalars.some((f) => f.kind === "num")) {
    p.scalars = p.scalars.filter((f) => {
      if (f.kind !== "num") return true;
      p.coeff = Q.mul(p.coeff, f.value);
      return false;
    });
  }
  // inner products inside a longer chain are scalars: y'y·e'x and (y'y)(e'x) are one product
  const split = extractInnerProducts(chain);
  chain = split.chain;
  if (chain.length >= 2 && isScalarChainShape(chain) && (split.inner.length > 0 || p.scalars.some(isScalarChain))) {
    // a 1×1 chain beside other inner products is one of them: (a'b)(c'd), never (a'b)·c'd
    split.inner.push(mul(chain));
    chain = [];
  }
  for (const atom of split.inner) {
    const coeffAndRest = splitCoeff(atom);
    p.coeff = Q.mul(p.coeff, coeffAndRest[0]);
    if (coeffAndRest[1] !== num1) p.scalars.push(coeffAndRest[1]);
  }
  const scalars = combineScalarPowers(p.scalars);
  if (scalars.length > 1) scalars.sort(compareExpr);
  if (chain.length === 0 && !isScalarShape(coreDims, shape)) {
    // everything cancelled to the identity
    chain = [eye(shape[0])];
  }
  if (chain.length >= 2 && isScalarChainShape(chain)) {
    chain = canonicalOrientation(chain);
  }
  if (chain.length === 0) {
    // a lone inner product among scalars (c·xᵀAx, ½(xᵀx)²·yᵀy) is the product's chain itself,
    // however it was reached; its own coefficient joins ours through this call
    const atoms = scalars.filter(isScalarChain);
    if (atoms.length === 1) return mul([num(p.coeff), ...scalars.filter((f) => f !== atoms[0]), ...atoms[0]!.args]);
  }
  const parts: Expr[] = [];
  if (!Q.isOne(p.coeff)) parts.push(num(p.coeff));
  pushAll(parts, scalars);
  pushAll(parts, chain);
  if (parts.length === 0) return num1;
  if (parts.length === 1) return parts[0]!;
  if (chain.length > 0 && !shapeEquals(chainShape(chain), shape)) {
    throw new InternalError("internal: product shape changed while simplifying");
  }
  return node("mul", shape, parts);
}

/** A matrix factor that joins a chain as it is (no coefficient, scalar, sum, product or identity). */
function isPlainMatrixFactor(f: Expr): boolean {
  return !isScalar(f) && f.shape[0] !== 1 && f.kind !== "mul" && f.kind !== "add" && f.kind !== "zeros" && f.kind !== "eye";
}

/**
 * Fast path of mul: a canonical matrix chain times one more matrix factor on either side, when
 * the junction simplifies nothing, is that chain with the factor added. The adjoints of a chain of
 * n definitions (K₁ = A₁X, Kᵢ = Kᵢ₋₁Aᵢ) grow by one factor per definition, and the general path
 * would re-canonicalise every factor at every step. Anything else (coefficients, scalars, 1×1
 * chains, a junction that cancels or merges) takes the general path, which gives the same node.
 */
function extendChain(factors: readonly Expr[]): Expr | undefined {
  if (factors.length > 3) return undefined;
  // the two factors other than 1 (without a filtered copy: every short product passes here)
  let a: Expr | undefined;
  let b: Expr | undefined;
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i]!;
    if (f === num1) continue;
    if (a === undefined) a = f;
    else if (b === undefined) b = f;
    else return undefined;
  }
  if (a === undefined || b === undefined) return undefined;
  const chainFirst = a.kind === "mul";
  const chain = chainFirst ? a : b;
  const other = chainFirst ? b : a;
  if (chain.kind !== "mul" || !isPlainMatrixFactor(other) || a.shape[1] !== b.shape[0]) return undefined;
  if (a.shape[0] === 1 && b.shape[1] === 1) return undefined;
  if (!isPlainChain(chain)) return undefined;
  const memo = extensionMemo(chainFirst);
  const known = memo.get(chain)?.get(other);
  if (known) return known;
  if (!(chainFirst ? junctionStays(lastFactor(chain)!, other) : junctionStays(other, firstFactor(chain)!))) return undefined;
  const extended = extendedProduct(chain, other, chainFirst, [a.shape[0], b.shape[1]]);
  plainChains.add(extended);
  const byFactor = memo.get(chain);
  if (byFactor) byFactor.set(other, extended);
  else memo.set(chain, new Map([[other, extended]]));
  return extended;
}

/**
 * Chains already extended, by chain and factor (one memo for each side). Interning an extension
 * again costs a comparison of all its factors, and the phases of a query extend the same chains of
 * a chain of definitions again and again. Valid within one node generation (releaseNodes).
 */
const extensions = { right: new GenerationMap<Map<Expr, Expr>>(), left: new GenerationMap<Map<Expr, Expr>>() };

function extensionMemo(chainFirst: boolean): GenerationMap<Map<Expr, Expr>> {
  return chainFirst ? extensions.right : extensions.left;
}

/**
 * Products whose factors are all plain matrix factors. An extension of one by a plain factor is
 * one too, so a chain grown factor by factor is checked once, not once per factor (linear, not
 * quadratic, in the length of a chain of definitions).
 */
const plainChains = new GenerationSet();

export function isPlainChain(chain: Expr): boolean {
  if (plainChains.has(chain)) return true;
  if (!chain.args.every(isPlainMatrixFactor)) return false;
  plainChains.add(chain);
  return true;
}

/**
 * Split the 1×1 segments out of a chain: a segment from a row (1×k) factor to the next column
 * (k×1) factor is an inner product, a scalar, and the factors around it still multiply (n×1 · 1×m).
 * The shortest such segments are taken, left to right; a chain that is one segment stays whole.
 */
function extractInnerProducts(chain: Expr[]): { chain: Expr[]; inner: Expr[] } {
  if (chain.length < 3) return { chain, inner: [] };
  // (the factors before the first inner product are copied only once there is one: most chains have none)
  let out: Expr[] | undefined;
  const inner: Expr[] = [];
  let i = 0;
  while (i < chain.length) {
    const f = chain[i]!;
    if (f.shape[0] === 1) {
      let j = i + 1;
      while (j < chain.length && chain[j]!.shape[1] !== 1) j++;
      if (j < chain.length && !(i === 0 && j === chain.length - 1)) {
        out ??= chain.slice(0, i);
        inner.push(mul(chain.slice(i, j + 1)));
        i = j + 1;
        continue;
      }
    }
    if (out !== undefined) out.push(f);
    i++;
  }
  return { chain: out ?? chain, inner };
}

/**
 * The content of a sum: the rational k with sum = k·rest, where rest's coefficients are coprime
 * integers and its canonically last term is positive (so y − m stays y − m, whatever the order
 * the user wrote it in).
 */
export function sumContent(e: Expr): [Rational, Expr] {
  const coeffs = e.args.map((t) => splitCoeff(t)[0]);
  if (coeffs.some((c) => !Q.isExact(c))) return [Q.ONE, e];
  let g = 0;
  let l = 1;
  for (const c of coeffs) {
    g = gcdInt(g, Math.abs(c.num));
    l = lcmInt(l, c.den);
    if (!Number.isSafeInteger(l)) return [Q.ONE, e];
  }
  let k = Q.rat(g, l);
  if (Q.isNegative(coeffs[coeffs.length - 1]!)) k = Q.neg(k);
  if (Q.isOne(k) || Q.isZero(k)) return [Q.ONE, e];
  const inv = Q.inv(k);
  return [k, node("add", e.shape, e.args.map((t) => scale(inv, t)))];
}

function gcdInt(a: number, b: number): number {
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

function lcmInt(a: number, b: number): number {
  return (a / gcdInt(a, b)) * b;
}

/** xᵀAy = yᵀAᵀx: keep whichever reads first in the structural order. */
function canonicalOrientation(chain: Expr[]): Expr[] {
  const flipped = chain.map(transpose).reverse();
  return compareLists(flipped, chain) < 0 ? flipped : chain;
}

// ---------------------------------------------------------------- transpose, inverse, powers

const transposeMemo = new GenerationMap<Expr>();

/** Memoised: nodes are interned and immutable, and printers ask for the transpose of every sum. */
export function transpose(e: Expr): Expr {
  if (isScalar(e)) return e;
  const hit = transposeMemo.get(e);
  if (hit) return hit;
  const r = transposeOf(e);
  transposeMemo.set(e, r);
  return r;
}

function transposeOf(e: Expr): Expr {
  switch (e.kind) {
    case "transpose":
      return e.args[0]!;
    case "sym":
    case "dvar":
    case "partial":
      return e.symmetric ? e : node("transpose", [e.shape[1], e.shape[0]], [e]);
    case "eye":
      return e;
    case "ones":
    case "zeros":
      return node(e.kind, [e.shape[1], e.shape[0]], []);
    case "add":
      return add(e.args.map(transpose));
    case "mul": {
      // scalars first, then the matrix factors transposed, last first (one list: chains of
      // thousands of factors are transposed here)
      const args = e.args;
      const out: Expr[] = [];
      for (let i = 0; i < args.length; i++) if (isScalar(args[i]!)) out.push(args[i]!);
      for (let i = args.length - 1; i >= 0; i--) if (!isScalar(args[i]!)) out.push(transpose(args[i]!));
      return mul(out);
    }
    case "hadamard":
      return hadamard(e.args.map(transpose));
    case "hdiv":
      return hdiv(transpose(e.args[0]!), transpose(e.args[1]!));
    case "epow":
      return epow(transpose(e.args[0]!), transpose(e.args[1]!));
    case "kron":
      return kron(transpose(e.args[0]!), transpose(e.args[1]!));
    case "inv":
    case "pow":
      // X⁻ᵀ stays a transpose of the inverse unless the inner transpose simplifies away.
      if (isSymmetric(e.args[0]!)) return e;
      return node("transpose", [e.shape[1], e.shape[0]], [e]);
    case "apply":
      if (e.fn === "diagm") return e;
      // a permutation's transpose is its inverse: K_{m,n}ᵀ = K_{n,m}
      if (e.fn === "commutation") return applyFn("commutation", [e.args[1]!, e.args[0]!]);
      if (isElementwise(e.fn)) return applyFn(e.fn, [transpose(e.args[0]!)]);
      return node("transpose", [e.shape[1], e.shape[0]], [e]);
    case "num":
      return e;
    default:
      return assertNever(e);
  }
}

export function inv(e: Expr): Expr {
  if (isScalar(e)) return pow(e, numMinus1);
  shapeOrThrow(squareShape(coreDims, "inv", e.shape), "inv");
  switch (e.kind) {
    case "inv":
      return e.args[0]!;
    case "eye":
      return e;
    case "transpose":
      return transpose(inv(e.args[0]!));
    case "pow":
      return pow(inv(e.args[0]!), e.args[1]!);
    case "mul": {
      const [c, rest] = splitCoeff(e);
      if (!Q.isOne(c)) return scale(Q.inv(c), inv(rest));
      break;
    }
    case "add": {
      const [c, rest] = sumContent(e);
      if (!Q.isOne(c)) return scale(Q.inv(c), inv(rest));
      break;
    }
    default:
      break;
  }
  return node("inv", e.shape, [e]);
}

export function pow(base: Expr, exponent: Expr): Expr {
  if (!isScalar(exponent)) throw new InternalError("internal: matrix exponent");
  if (exponent.kind === "num") {
    const k = exponent.value;
    if (Q.isOne(k)) return base;
    if (Q.isZero(k)) return isScalar(base) ? num1 : eye(base.shape[0]);
    if (base.kind === "num" && Q.isInteger(k) && Math.abs(k.num) <= 64 && !(Q.isZero(base.value) && k.num < 0)) {
      return num(Q.pow(base.value, k.num));
    }
    if (!isScalar(base)) {
      shapeOrThrow(squareShape(coreDims, "^", base.shape), "^");
      if (!Q.isInteger(k)) throw new InternalError("internal: non-integer matrix power");
      if (k.num === -1) return inv(base);
      if (k.num < 0) return pow(inv(base), num(Q.neg(k)));
      if (base.kind === "eye") return base;
    }
    // (b^p)^q = b^(pq) for integer q (exact; a non-integer q could lose a sign)
    if (base.kind === "pow" && base.args[1]!.kind === "num" && Q.isInteger(k)) {
      return pow(base.args[0]!, num(Q.mul(base.args[1].value, k)));
    }
    if (base.kind === "transpose") return transpose(pow(base.args[0]!, exponent));
    // |x|^k = x^k for an even k (x is real): det(X)²/|det X|² is 1
    if (base.kind === "apply" && base.fn === "abs" && isScalar(base) && Q.isInteger(k) && k.num % 2 === 0) return pow(base.args[0]!, exponent);
    // (2 + 2t²)^k = 2^k (1 + t²)^k: a sum's numeric content comes out, as it does in products
    if (base.kind === "add" && isScalar(base) && Q.isInteger(k)) {
      const [c, rest] = sumContent(base);
      if (!Q.isOne(c)) return mul([pow(num(c), exponent), pow(rest, exponent)]);
    }
    // (c·x·y)^k = c^k x^k y^k for scalars and integer k, so 2s/(2l²) meets s/l²
    if (base.kind === "mul" && base.args.every(isScalar) && Q.isInteger(k)) return mul(base.args.map((f) => pow(f, exponent)));
  }
  if (isScalar(base) && isOneScalar(base)) return num1;
  return node("pow", base.shape, [base, exponent]);
}

/** a / s for a scalar s. */
export function div(a: Expr, s: Expr): Expr {
  if (!isScalar(s)) throw new InternalError("internal: division by a non-scalar");
  if (s.kind === "num") return scale(Q.inv(s.value), a);
  return mul([a, pow(s, numMinus1)]);
}

// ---------------------------------------------------------------- elementwise

/**
 * A scalar stands for a constant array of the other operand's shape, a row 1×m for the n×m array
 * of n copies (𝟏 row) and a column n×1 for m copies (col 𝟏ᵀ): NumPy broadcasting, written out.
 */
export function broadcast(e: Expr, shape: Shape): Expr {
  if (shapeEquals(e.shape, shape)) return e;
  if (isScalar(e)) return mul([e, ones(shape)]);
  if (e.shape[0] === 1 && e.shape[1] === shape[1]) return mul([ones([shape[0], 1]), e]);
  if (e.shape[1] === 1 && e.shape[0] === shape[0]) return mul([e, transpose(ones([shape[1], 1]))]);
  throw new InternalError(`internal: cannot broadcast ${formatShape(e.shape)} to ${formatShape(shape)}`);
}

function elementwiseResult(a: Shape, b: Shape, what: string): Shape {
  return shapeOrThrow(elementwiseShape(coreDims, what, a, b), what);
}

export function addB(a: Expr, b: Expr): Expr {
  const s = elementwiseResult(a.shape, b.shape, "+");
  return add([broadcast(a, s), broadcast(b, s)]);
}

export function subB(a: Expr, b: Expr): Expr {
  const s = elementwiseResult(a.shape, b.shape, "-");
  return sub(broadcast(a, s), broadcast(b, s));
}

/**
 * u𝟏ᵀ or 𝟏uᵀ: an array whose columns (rows) are all the one vector u, as a broadcast writes it.
 * Elementwise operations act on u alone: (u𝟏ᵀ) ⊙ (v𝟏ᵀ) = (u ⊙ v)𝟏ᵀ, f(u𝟏ᵀ) = f(u)𝟏ᵀ, so the
 * derivative of sum((X − 𝟏μᵀ) ⊘ 𝟏σᵀ) reads with μ and σ, not with n copies of them.
 */
interface Spread {
  inner: Expr;
  ones: Expr;
  right: boolean;
}

function spread(e: Expr): Spread | undefined {
  if (e.kind !== "mul" || e.shape[0] === 1 || e.shape[1] === 1) return undefined;
  const last = e.args[e.args.length - 1]!;
  if (last.kind === "ones" && last.shape[0] === 1) return { inner: mul(e.args.slice(0, -1)), ones: last, right: true };
  const i = e.args.findIndex((f) => !isScalar(f));
  const first = e.args[i];
  if (first?.kind === "ones" && first.shape[1] === 1) return { inner: mul([...e.args.slice(0, i), ...e.args.slice(i + 1)]), ones: first, right: false };
  return undefined;
}

/** The spreads of `arrays`, when all spread one 𝟏 the same way. */
function commonSpread(arrays: readonly Expr[]): Spread[] | undefined {
  const spreads = arrays.map(spread);
  const first = spreads[0];
  if (!first || !spreads.every((s) => s && s.ones === first.ones && s.right === first.right)) return undefined;
  return spreads as Spread[];
}

/** f applied to the vector a spread repeats, spread again. */
function respread(s: Spread, inner: Expr): Expr {
  return s.right ? mul([inner, s.ones]) : mul([s.ones, inner]);
}

export function hadamard(factors: readonly Expr[]): Expr {
  let shape: Shape = SCALAR;
  for (const f of factors) shape = elementwiseResult(shape, f.shape, ".*");
  if (isScalarShape(coreDims, shape)) return mul(factors);
  const scalars: Expr[] = [];
  const arrays: Expr[] = [];
  for (const f of factors) {
    const parts = f.kind === "hadamard" ? f.args : [f];
    for (const g of parts) {
      if (isScalar(g)) scalars.push(g);
      else if (g.kind === "zeros") return zeros(shape);
      else if (g.kind === "ones") continue;
      else if (g.kind === "mul" && g.args.every((f) => isScalar(f) || f.kind === "ones")) {
        // 𝟏𝟏ᵀ, c𝟏𝟏ᵀ: all ones (times c), the identity of ⊙
        pushAll(scalars, g.args.filter(isScalar));
        continue;
      } else {
        // pull numeric coefficients and scalar factors of each array out front
        if (g.kind === "mul") {
          const sc = g.args.filter(isScalar);
          const rest = g.args.filter((x) => !isScalar(x));
          pushAll(scalars, sc);
          const r = rest.length === 1 ? rest[0]! : mul(rest);
          // 2(A ⊙ B) ⊙ C is flat: 2(A ⊙ B ⊙ C), so equal Hadamard products meet
          if (r.kind === "hadamard") pushAll(arrays, r.args);
          else if (r.kind !== "ones") arrays.push(r);
        } else arrays.push(g);
      }
    }
  }
  const spreads = arrays.length >= 2 ? commonSpread(arrays) : undefined;
  if (spreads) return mul([...scalars, respread(spreads[0]!, hadamard(spreads.map((p) => p.inner)))]);
  // A ⊙ (N ⊘ D) = (A ⊙ N) ⊘ D: one quotient, so common factors can cancel
  const quotient = arrays.findIndex((a) => a.kind === "hdiv");
  if (quotient >= 0) {
    const q = arrays[quotient]!;
    const others = arrays.filter((_, i) => i !== quotient);
    return mul([...scalars, hdiv(hadamard([...others, q.args[0]!]), q.args[1]!)]);
  }
  arrays.sort(compareExpr);
  let core: Expr;
  if (arrays.length === 0) core = ones(shape);
  else if (arrays.length === 1) core = arrays[0]!;
  else core = node("hadamard", shape, arrays);
  return mul([...scalars, core]);
}

export function hdiv(a: Expr, b: Expr): Expr {
  const shape = elementwiseResult(a.shape, b.shape, "./");
  if (isScalar(b)) return div(a, b);
  if (b.kind === "ones") return broadcast(a, shape);
  if (isZero(a)) return zeros(shape);
  const sb = spread(b);
  if (sb) {
    // (u𝟏ᵀ) ⊘ (v𝟏ᵀ) = (u ⊘ v)𝟏ᵀ, and c ⊘ (v𝟏ᵀ) = (c ⊘ v)𝟏ᵀ
    const sa = isScalar(a) ? a : a.kind === "ones" ? num1 : commonSpread([a, b])?.[0]?.inner;
    if (sa) return respread(sb, hdiv(sa, sb.inner));
  }
  const [c, rest] = splitCoeff(a);
  if (!Q.isOne(c)) return scale(c, hdiv(rest, b));
  const [cb, restb] = b.kind === "add" ? sumContent(b) : splitCoeff(b);
  if (!Q.isOne(cb)) return scale(Q.inv(cb), hdiv(a, restb));
  // (A ⊘ B) ⊘ C = A ⊘ (B ⊙ C)
  if (a.kind === "hdiv") return hdiv(a.args[0]!, hadamard([a.args[1]!, b]));
  // cancel factors common to numerator and denominator: (s ⊙ y) ⊘ s = y (where s ≠ 0, as the
  // quotient already requires)
  const num = a.kind === "hadamard" ? [...a.args] : [a];
  const den = b.kind === "hadamard" ? [...b.args] : [b];
  let cancelled = false;
  for (let i = num.length - 1; i >= 0; i--) {
    const j = den.indexOf(num[i]!);
    if (j >= 0) {
      num.splice(i, 1);
      den.splice(j, 1);
      cancelled = true;
    }
  }
  // a factor over its negative is −1: (1 − σ) ⊘ (σ − 1) = −𝟏
  let sign = Q.ONE;
  for (let i = num.length - 1; i >= 0; i--) {
    if (num[i]!.kind !== "add") continue;
    const j = den.indexOf(neg(num[i]!));
    if (j < 0) continue;
    num.splice(i, 1);
    den.splice(j, 1);
    sign = Q.neg(sign);
    cancelled = true;
  }
  // powers of one base meet: s ⊘ s.^2 = 𝟏 ⊘ s, s.^3 ⊘ s = s.^2 (numeric exponents)
  for (let i = num.length - 1; i >= 0; i--) {
    const top = powerOf(num[i]!);
    if (!top) continue;
    const j = den.findIndex((d) => powerOf(d)?.base === top.base);
    if (j < 0) continue;
    const e = Q.add(top.k, Q.neg(powerOf(den[j]!)!.k));
    num.splice(i, 1);
    den.splice(j, 1);
    if (Q.isNegative(e)) den.push(epow(top.base, numeric(Q.neg(e))));
    else if (!Q.isZero(e)) num.push(epow(top.base, numeric(e)));
    cancelled = true;
  }
  if (cancelled) {
    const top = num.length === 0 ? ones(shape) : hadamard(num);
    return scale(sign, den.length === 0 ? broadcast(top, shape) : hdiv(top, hadamard(den)));
  }
  return node("hdiv", shape, [broadcast(a, shape), b]);
}

/** The numeric value of an elementwise exponent (k, or k broadcast as k𝟏), if it is one. */
function constantExponent(b: Expr): Rational | undefined {
  if (b.kind === "num") return b.value;
  if (b.kind === "ones") return Q.ONE;
  if (b.kind === "mul" && b.args.length === 2 && b.args[0]!.kind === "num" && b.args[1]!.kind === "ones") return b.args[0].value;
  return undefined;
}

/** A factor of an elementwise quotient as base.^k with a numeric k (a plain factor is base.^1). */
function powerOf(e: Expr): { base: Expr; k: Rational } | undefined {
  if (e.kind === "epow") {
    const k = constantExponent(e.args[1]!);
    return k ? { base: e.args[0]!, k } : undefined;
  }
  if (isScalar(e)) return undefined;
  return { base: e, k: Q.ONE };
}

export function epow(a: Expr, b: Expr): Expr {
  const shape = elementwiseResult(a.shape, b.shape, ".^");
  if (isScalar(a) && isScalar(b)) return pow(a, b);
  if (b.kind === "num") {
    if (Q.isOne(b.value)) return a;
    if (Q.isZero(b.value)) return ones(shape);
  }
  // the broadcast exponents 1 and 0 (𝟏 and 0 of a's shape): a.^1 = a, a.^0 = 𝟏
  if (b.kind === "ones" && shapeEquals(a.shape, shape)) return a;
  if (b.kind === "zeros") return ones(shape);
  // |a|.^k = a.^k for an even k
  const k = constantExponent(b);
  if (k && a.kind === "apply" && a.fn === "abs" && Q.isInteger(k) && k.num % 2 === 0) return epow(a.args[0]!, b);
  // 0.^k = 0 for a positive constant k: (X' − X').^2 is a zero, not a term of the answer
  if (k && isZero(a) && !Q.isZero(k) && !Q.isNegative(k)) return zeros(shape);
  const sa = isScalar(b) ? spread(a) : undefined;
  if (sa) return respread(sa, epow(sa.inner, b));
  return node("epow", shape, [broadcast(a, shape), broadcast(b, shape)]);
}

export function kron(a: Expr, b: Expr): Expr {
  if (isScalar(a)) return mul([a, b]);
  if (isScalar(b)) return mul([b, a]);
  const shape = shapeOrThrow(kronShape(coreDims, a.shape, b.shape), "kron");
  if (isZero(a) || isZero(b)) return zeros(shape);
  if (a.kind === "eye" && b.kind === "eye") return eye(shape[0]); // I ⊗ I = I
  // bilinear: scalars and the numeric content of a sum come out, (cA) ⊗ B = c(A ⊗ B), so the
  // Kronecker terms of a Hessian meet and read ½(S⁻¹ ⊗ C), not ½(2(S⁻¹ ⊗ ½C))
  const [sa, ra] = kronPart(a);
  const [sb, rb] = kronPart(b);
  if (sa.length + sb.length > 0) return mul([...sa, ...sb, kron(ra, rb)]);
  return node("kron", shape, [a, b]);
}

// ---------------------------------------------------------------- named functions

/** Elementwise functions whose value at 0 is exact (others, softplus(0) = log 2, stay as written). */
const AT_ZERO: Partial<Record<FnName, Rational>> = {
  sqrt: Q.ZERO,
  sin: Q.ZERO,
  cos: Q.ONE,
  tan: Q.ZERO,
  tanh: Q.ZERO,
  sigmoid: Q.rat(1, 2),
  relu: Q.ZERO,
  step: Q.ZERO,
};

const ELEMENTWISE = new Set<FnName>(["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "softplus", "logsigmoid", "relu", "step", "abs"]);
export const isElementwise = (fn: FnName): boolean => ELEMENTWISE.has(fn);

/**
 * The commutation matrix K_{m,n}: the mn×mn permutation with K vec(A) = vec(Aᵀ) for every m×n A
 * (Magnus & Neudecker, Matrix Differential Calculus, ch. 3 sec. 7). K_{m,1} and K_{1,n} are I.
 */
export function commutation(m: Dim, n: Dim): Expr {
  if (m === 1 || n === 1) return eye(dimProduct(m, n));
  const size = dimProduct(m, n);
  return rawApply("commutation", [size, size], [dimValue(m), dimValue(n)]);
}

/** The size a dimension value stands for (the inverse of dimValue). */
function dimOfValue(e: Expr): Dim {
  if (e.kind === "num" && Q.isInteger(e.value)) return e.value.num;
  if (e.kind === "sym" && e.role === "dim") return e.name;
  throw new InternalError("internal: commutation takes sizes");
}

/** A Kronecker operand's scalar factors (numeric content of a sum included) and the rest. */
function kronPart(e: Expr): [Expr[], Expr] {
  if (e.kind === "add") {
    const [k, rest] = sumContent(e);
    return Q.isOne(k) ? [[], e] : [[num(k)], rest];
  }
  return pullScalars(e);
}

/** Pull the numeric coefficient and scalar factors out of a linear function's argument. */
function pullScalars(e: Expr): [Expr[], Expr] {
  if (e.kind !== "mul") return [[], e];
  const scalars = e.args.filter(isScalar);
  // a product without scalar factors is its own rest (rebuilding it would only find it again)
  if (scalars.length === 0) return [scalars, e];
  const rest = e.args.filter((f) => !isScalar(f));
  return [scalars, rest.length === 1 ? rest[0]! : mul(rest)];
}

export function applyFn(fn: FnName, args: readonly Expr[]): Expr {
  const a = args[0]!;
  switch (fn) {
    case "tr": {
      if (isScalar(a)) return a;
      shapeOrThrow(squareShape(coreDims, "tr", a.shape), "tr");
      if (a.kind === "add") return add(a.args.map((t) => applyFn("tr", [t])));
      if (a.kind === "eye") return dimValue(a.shape[0]);
      if (a.kind === "zeros") return num0;
      if (a.kind === "transpose") return applyFn("tr", [a.args[0]!]);
      // tr(A ⊗ B) = tr(A) tr(B) for square A and B (Matrix Cookbook (2012) eq. (511))
      if (a.kind === "kron" && a.args.every((x) => x.shape[0] === x.shape[1])) {
        return mul(a.args.map((x) => applyFn("tr", [x])));
      }
      const [scalars, rest] = pullScalars(a);
      if (scalars.length > 0) return mul([...scalars, applyFn("tr", [rest])]);
      // tr(uR) = Ru for a column u (cyclic trace): tr(aaᵀ) = aᵀa, tr(xxᵀA) = xᵀAx
      if (rest.kind === "mul" && rest.args[0]!.shape[1] === 1) return mul([...rest.args.slice(1), rest.args[0]!]);
      return rawApply("tr", SCALAR, [a]);
    }
    case "sum": {
      if (isScalar(a)) return a;
      if (a.kind === "add") return add(a.args.map((t) => applyFn("sum", [t])));
      if (a.kind === "zeros") return num0;
      if (a.kind === "transpose") return applyFn("sum", [a.args[0]!]);
      if (isVec(a)) return applyFn("sum", [a.args[0]!]);
      // sum(𝟏) over n×m is nm
      if (a.kind === "ones") return mul([dimValue(a.shape[0]), dimValue(a.shape[1])]);
      // sum(A ⊗ B) = sum(A) sum(B): every product aᵢⱼbₖₗ appears once
      if (a.kind === "kron") return mul(a.args.map((x) => applyFn("sum", [x])));
      const [scalars, rest] = pullScalars(a);
      if (scalars.length > 0) return mul([...scalars, applyFn("sum", [rest])]);
      return rawApply("sum", SCALAR, [a]);
    }
    case "det":
      if (isScalar(a)) return a;
      shapeOrThrow(squareShape(coreDims, "det", a.shape), "det");
      if (a.kind === "eye") return num1;
      if (a.kind === "zeros") return num0;
      if (a.kind === "transpose") return applyFn("det", [a.args[0]!]);
      return rawApply("det", SCALAR, [a]);
    case "logdet":
      if (isScalar(a)) return applyFn("log", [a]);
      shapeOrThrow(squareShape(coreDims, "logdet", a.shape), "logdet");
      if (a.kind === "eye") return num0;
      if (a.kind === "transpose") return applyFn("logdet", [a.args[0]!]);
      return rawApply("logdet", SCALAR, [a]);
    case "norm2":
    case "norm1":
    case "logsumexp":
      // functions of all the entries do not see their order: ‖vec(Y)‖ = ‖Y‖
      if (isVec(a)) return applyFn(fn, [a.args[0]!]);
      // ‖0‖ = 0 (norm2(x − x) printed as norm2(zeros(n)) inside an answer that is 0)
      if (fn !== "logsumexp" && a.kind === "zeros") return num0;
      return rawApply(fn, SCALAR, [a]);
    case "softmax":
      return rawApply(fn, a.shape, [a]);
    case "logsumexp_cols":
      // of a row, each column is one entry: the row itself
      if (a.shape[0] === 1) return a;
      return rawApply(fn, [1, a.shape[1]], [a]);
    case "diagm":
    case "diagv": {
      if (isScalar(a)) return a;
      // diag is linear: scalars come out (sums stay whole: diag(1 − t) reads better than I − diag(t))
      const [scalars, rest] = pullScalars(a);
      if (scalars.length > 0) return mul([...scalars, applyFn(fn, [rest])]);
      if (fn === "diagm" && a.kind === "ones") return eye(a.shape[0]);
      if (a.kind === "zeros") return zeros(shapeOrThrow(diagShape(coreDims, a.shape), "diag"));
      return diagOf(fn, a);
    }
    case "vec":
      if (a.shape[1] === 1) return a;
      if (a.shape[0] === 1) return transpose(a); // vec of a row is the column: vec(xᵀ) = x
      if (a.kind === "zeros") return zeros(shapeOrThrow(vecShape(coreDims, a.shape), "vec"));
      return rawApply(fn, shapeOrThrow(vecShape(coreDims, a.shape), "vec"), [a]);
    case "exp":
      if (isZero(a)) return ones(a.shape);
      return elementwiseApply(fn, a);
    case "log":
      if (isOneScalar(a) || a.kind === "ones") return zeros(a.shape);
      // log|X| as papers write it is logdet(X) (same domain: det > 0)
      if (a.kind === "apply" && a.fn === "det") return applyFn("logdet", [a.args[0]!]);
      return elementwiseApply(fn, a);
    case "sqrt":
    case "sin":
    case "cos":
    case "tan":
    case "tanh":
    case "sigmoid":
    case "softplus":
    case "logsigmoid":
    case "relu":
    case "step":
      if (isZero(a)) {
        // functions of 0 with exact values fold: cos(0) = 1, sin(0) = 0, σ(0) = ½
        const at0 = AT_ZERO[fn];
        if (at0 !== undefined) return scale(at0, ones(a.shape));
      }
      return elementwiseApply(fn, a);
    case "abs":
      if (isZero(a)) return zeros(a.shape);
      return elementwiseApply(fn, a);
    case "commutation":
      return commutation(dimOfValue(a), dimOfValue(args[1]!));
    default:
      return assertNever(fn);
  }
}

/** An elementwise function: of a spread, the spread of the function (exp(u𝟏ᵀ) = exp(u)𝟏ᵀ). */
function elementwiseApply(fn: FnName, a: Expr): Expr {
  const s = spread(a);
  if (s) return respread(s, applyFn(fn, [s.inner]));
  return rawApply(fn, a.shape, [a]);
}

function diagOf(fn: "diagm" | "diagv", a: Expr): Expr {
  if (fn === "diagv") {
    if (a.kind === "apply" && a.fn === "diagm") return a.args[0]!;
    if (a.kind === "eye") return ones([a.shape[0], 1]);
    // diag(𝟏ₙ𝟏ₘᵀR) = Rᵀ𝟏ₘ and diag(L𝟏ₘ𝟏ₙᵀ) = L𝟏ₘ: the diagonal of a spread (diag(𝟏vᵀ) = v).
    // (diag(abᵀ) = a ⊙ b in general, but is kept as written: for 1-D inputs the GP answer
    // (C − diag(C𝟏))X would turn into CX − X ⊙ (C𝟏), far from the textbook's form.)
    if (a.kind === "mul" && !a.args.some(isScalar)) {
      const fs = a.args;
      const first = fs[0]!;
      const last = fs[fs.length - 1]!;
      if (first.kind === "ones") return transpose(mul([ones([1, first.shape[1]]), ...fs.slice(1)]));
      if (last.kind === "ones") return mul([...fs.slice(0, -1), ones([last.shape[0], 1])]);
    }
  }
  return rawApply(fn, shapeOrThrow(diagShape(coreDims, a.shape), "diag"), [a]);
}

/** A : B = sum(A .* B), written tr(AᵀB) (aᵀb for vectors). */
export function frobenius(a: Expr, b: Expr): Expr {
  if (isScalar(a) || isScalar(b)) {
    if (isScalar(a) && isScalar(b)) return mul([a, b]);
    return isScalar(a) ? mul([a, applyFn("sum", [b])]) : mul([b, applyFn("sum", [a])]);
  }
  if (a.kind === "eye") return applyFn("tr", [b]);
  if (b.kind === "eye") return applyFn("tr", [a]);
  if (a.shape[1] === 1) return mul([transpose(a), b]);
  return applyFn("tr", [mul([transpose(a), b])]);
}

// ---------------------------------------------------------------- symmetry

const symMemo = new GenerationMap<boolean>();

/** Known symmetric: declared, or by construction (AAᵀ, A + Aᵀ, S⁻¹ of symmetric S, ...). */
export function isSymmetric(e: Expr): boolean {
  if (isScalar(e)) return true;
  if (e.shape[0] !== e.shape[1]) return false;
  const hit = symMemo.get(e);
  if (hit !== undefined) return hit;
  const r = computeSymmetric(e);
  symMemo.set(e, r);
  return r;
}

function computeSymmetric(e: Expr): boolean {
  switch (e.kind) {
    case "num":
    case "eye":
    case "ones":
    case "zeros":
      return true;
    case "sym":
    case "dvar":
    case "partial":
      return e.symmetric;
    case "add": {
      if (e.args.every(isSymmetric)) return true;
      const terms = new Set(e.args);
      return e.args.every((t) => terms.has(transpose(t)));
    }
    case "mul": {
      const chain = e.args.filter((f) => !isScalar(f));
      const k = chain.length;
      for (let i = 0; i < Math.floor(k / 2); i++) {
        if (chain[i] !== transpose(chain[k - 1 - i]!)) return false;
      }
      return k % 2 === 0 || isSymmetric(chain[(k - 1) / 2]!);
    }
    case "inv":
    case "pow":
      return isSymmetric(e.args[0]!);
    case "transpose":
      return isSymmetric(e.args[0]!);
    case "hadamard":
    case "hdiv":
    case "epow":
    case "kron":
      return e.args.every(isSymmetric);
    case "apply":
      if (e.fn === "diagm") return true;
      return isElementwise(e.fn) && isSymmetric(e.args[0]!);
    default:
      return assertNever(e);
  }
}
