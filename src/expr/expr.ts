// The core expression: a closed set of immutable, hash-consed node kinds.
//
// Structural equality is `===` (interning), so memo tables key on nodes and simplification can
// compare subterms in O(1). Every operation on expressions is a `switch (e.kind)` that ends in
// `assertNever`, so adding a kind is a compile error in each operation that forgot it.
// Raw constructors here do no simplification; the canonical smart constructors live in build.ts.

import { checkSize, grow, tick } from "../budget.js";
import type { Rational } from "./rational.js";
import type { Dim, Shape } from "./shape.js";

export type FnName =
  // scalar-valued
  | "det"
  | "logdet"
  | "tr"
  | "sum"
  | "norm2"
  | "norm1"
  | "logsumexp"
  // shape-changing
  | "diagm" // column vector -> diagonal matrix
  | "diagv" // square matrix -> column vector of its diagonal
  | "vec"
  | "softmax"
  | "logsumexp_cols" // logsumexp(X, 1): the log-sum-exp of each column, a row
  | "commutation" // commutation(m, n): the mn×mn K with K vec(A) = vec(Aᵀ) for an m×n A (args: the sizes)
  // elementwise
  | "exp"
  | "log"
  | "sqrt"
  | "sin"
  | "cos"
  | "tan"
  | "tanh"
  | "sigmoid"
  | "softplus" // log(1 + eˣ)
  | "logsigmoid" // log σ(x) = −softplus(−x)
  | "relu"
  | "step" // Heaviside: 1 where x > 0, else 0 (relu′, almost everywhere)
  | "abs";

/**
 * Role of a symbol: a declared variable, a dimension used as a scalar, a user definition, or a
 * built-in constant (pi).
 */
export type SymRole = "var" | "dim" | "def" | "const";

interface Base {
  readonly id: number;
  readonly shape: Shape;
  readonly args: readonly Expr[];
  /** Number of nodes in the tree (shared subtrees counted each time). */
  readonly size: number;
}

export interface Num extends Base { readonly kind: "num"; readonly value: Rational }
export interface Sym extends Base {
  readonly kind: "sym";
  readonly name: string;
  readonly role: SymRole;
  /** Declared symmetric/spd, or (for a definition) its body is known symmetric. */
  readonly symmetric: boolean;
}
/** The differential d(name) of a variable or of a defined name. */
export interface DVar extends Base { readonly kind: "dvar"; readonly name: string; readonly symmetric: boolean }
/**
 * ∂NAME/∂PARAM of an unknown smooth function NAME(PARAM) (declared `Sigma(theta) : spd(N)`);
 * for a vector PARAM, `index` names the component: ∂NAME/∂PARAM_k.
 */
export interface Partial extends Base {
  readonly kind: "partial";
  readonly name: string;
  readonly param: string;
  readonly index?: string;
  readonly symmetric: boolean;
}
export interface Eye extends Base { readonly kind: "eye" }
export interface Ones extends Base { readonly kind: "ones" }
export interface Zeros extends Base { readonly kind: "zeros" }
export interface Add extends Base { readonly kind: "add" }
/** Matrix product; 1×1 factors (scalars) first, in canonical order; numeric coefficient first of all. */
export interface Mul extends Base { readonly kind: "mul" }
export interface Transpose extends Base { readonly kind: "transpose" }
export interface Inv extends Base { readonly kind: "inv" }
/** base^exponent: integer power of a square matrix, or any power of a scalar. */
export interface Pow extends Base { readonly kind: "pow" }
export interface Hadamard extends Base { readonly kind: "hadamard" }
/** Elementwise division args[0] ./ args[1]. */
export interface HDiv extends Base { readonly kind: "hdiv" }
/** Elementwise power args[0] .^ args[1]. */
export interface EPow extends Base { readonly kind: "epow" }
export interface Kron extends Base { readonly kind: "kron" }
export interface Apply extends Base { readonly kind: "apply"; readonly fn: FnName }

export type Expr =
  | Num
  | Sym
  | DVar
  | Partial
  | Eye
  | Ones
  | Zeros
  | Add
  | Mul
  | Transpose
  | Inv
  | Pow
  | Hadamard
  | HDiv
  | EPow
  | Kron
  | Apply;

export type Kind = Expr["kind"];

export function assertNever(x: never): never {
  throw new Error(`internal: unhandled case ${JSON.stringify(x)}`);
}

// ---------------------------------------------------------------- interning
//
// Leaves (numbers, symbols, differentials, partials) are interned by a short string key. Inner
// nodes are interned by a numeric structural hash of kind, shape and child ids, with the
// candidates compared field by field: no key string is built per node (a chain of n factors
// would otherwise spell out n ids every time it is made), which keeps node creation cheap and
// the garbage collector idle.

type Inner = Extract<Expr, { kind: InnerKind | "apply" }>;
type InnerKind = "eye" | "ones" | "zeros" | "add" | "mul" | "transpose" | "inv" | "pow" | "hadamard" | "hdiv" | "epow" | "kron";

/**
 * Leaves by a key that costs no string to build: a number by numerator then denominator, a named
 * leaf (symbol, differential, partial) by its name, the few leaves of one name told apart field by
 * field. (Keys spelled out as strings, `sym|K|nxn|def|true`, were built and hashed at every
 * lookup: a tenth of the time of a long chain of definitions.)
 */
let numbers = new Map<number, Map<number, Num>>();
let named = new Map<string, Expr[]>();
/** Inner nodes by structural hash; a bucket holds the (rare) nodes whose hashes collide. */
let inner = new Map<number, Inner | Inner[]>();
let nextId = 1;
/** Nodes that outlive a release (module-level constants such as 0 and 1). */
const permanentLeaves: Expr[] = [];
const permanentInner: Inner[] = [];

/** Keep e (and its interned identity) across releaseNodes(): for module-level constants. */
export function permanent<E extends Expr>(e: E): E {
  if (e.kind === "num" || e.kind === "sym" || e.kind === "dvar" || e.kind === "partial") permanentLeaves.push(e);
  else permanentInner.push(e as Expr as Inner);
  return e;
}

/**
 * Forget every node but the permanent ones, so a long batch runs in bounded memory. Only safe
 * between independent problems: a node kept from before would no longer be === its equal.
 */
export function releaseNodes(): void {
  generation++;
  generationBase = nextId;
  numbers = new Map();
  named = new Map();
  for (const e of permanentLeaves) insertLeaf(e);
  inner = new Map();
  for (const e of permanentInner) insertInner(innerHash(e.kind, e.shape, (e as unknown as Hashed).argsHash, e.kind === "apply" ? e.fn : ""), e);
}

let generation = 0;
/** The first id of the current generation: every node made since the last release has id ≥ it. */
let generationBase = 0;

// `generation` changes at every releaseNodes(): memos keyed by node are valid within one.

/** Entries per page of a GenerationMap (a power of two). */
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * A memo keyed by node that lasts one node generation. Nodes of the current generation have ids
 * from generationBase up, so their values sit in an array at id − generationBase, in pages of
 * PAGE_SIZE made as they are first written: no hashing, and a few words per node where a Map
 * holds an entry and its share of a hash table that is rebuilt as it grows (the memos of one
 * 10,000-node problem made megabytes of them, and the collector's copying time with them). A memo
 * that touches few nodes makes few pages. Nodes made before the generation began (the permanent
 * constants, or a node someone kept past a release) have smaller ids and go to a Map by identity,
 * so an id never stands for two nodes.
 */
export class GenerationMap<V> {
  private pages: Array<Array<V | undefined> | undefined> = [];
  private older: Map<Expr, V> | undefined = undefined;
  private gen = generation;
  private base = generationBase;

  private renew(): void {
    this.gen = generation;
    this.base = generationBase;
    this.pages = [];
    this.older = undefined;
  }

  get(e: Expr): V | undefined {
    if (this.gen !== generation) this.renew();
    const i = e.id - this.base;
    if (i < 0) return this.older?.get(e);
    const page = this.pages[i >> PAGE_BITS];
    return page === undefined ? undefined : page[i & (PAGE_SIZE - 1)];
  }

  set(e: Expr, v: V): this {
    if (this.gen !== generation) this.renew();
    const i = e.id - this.base;
    if (i < 0) {
      (this.older ??= new Map()).set(e, v);
      return this;
    }
    const p = i >> PAGE_BITS;
    // pages are appended one by one (the list stays a dense array, never one with far holes)
    while (this.pages.length <= p) this.pages.push(undefined);
    let page = this.pages[p];
    if (page === undefined) {
      page = new Array<V | undefined>(PAGE_SIZE).fill(undefined);
      this.pages[p] = page;
    }
    page[i & (PAGE_SIZE - 1)] = v;
    return this;
  }
}

/** A set of nodes that lasts one node generation (see GenerationMap). */
export class GenerationSet {
  private readonly members = new GenerationMap<true>();

  has(e: Expr): boolean {
    return this.members.get(e) === true;
  }

  add(e: Expr): this {
    this.members.set(e, true);
    return this;
  }
}

/** How many nodes the intern table holds (for tests of bounded memory). */
export const internedCount = (): number => {
  let n = 0;
  for (const byDen of numbers.values()) n += byDen.size;
  for (const list of named.values()) n += list.length;
  for (const b of inner.values()) n += Array.isArray(b) ? b.length : 1;
  return n;
};

function insertLeaf(e: Expr): void {
  if (e.kind === "num") {
    let byDen = numbers.get(e.value.num);
    if (byDen === undefined) numbers.set(e.value.num, (byDen = new Map()));
    byDen.set(e.value.den, e);
    return;
  }
  const name = (e as unknown as ExprNode).name!;
  const list = named.get(name);
  if (list === undefined) named.set(name, [e]);
  else list.push(e);
}

/** The interned leaf of this kind, name and fields (made if new); dimensions compare as written. */
function internNamed(kind: Kind, name: string, shape: Shape, role: SymRole | undefined, symmetric: boolean, param: string | undefined, index: string | undefined): Expr {
  tick();
  const list = named.get(name);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as unknown as ExprNode;
      if (c.kind === kind && c.role === role && c.symmetric === symmetric && c.param === param && c.index === index && sameDim(c.shape[0], shape[0]) && sameDim(c.shape[1], shape[1])) {
        return c as unknown as Expr;
      }
    }
  }
  grow();
  const e = new ExprNode(kind, nextId++, shape, NO_ARGS, 1, 0, undefined, undefined, name, role, symmetric, param, index) as unknown as Expr;
  insertLeaf(e);
  return e;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Dimensions hash by their written form, as the number 3 and the name "3" always print alike. */
const dimHashes = new Map<Dim, number>();
function dimHash(d: Dim): number {
  let h = dimHashes.get(d);
  if (h === undefined) {
    h = hashString(String(d));
    dimHashes.set(d, h);
  }
  return h;
}

const sameDim = (a: Dim, b: Dim): boolean => a === b || String(a) === String(b);

// The hash of the children is a polynomial in a fixed odd multiplier P, Σᵢ mix(idᵢ)·Pⁱ (mod 2³²),
// kept on each inner node: a chain grown by one factor at either end (extendedProduct) is hashed
// from its base's in constant time, where a fold over all children would make growing a chain
// of n factors one by one quadratic.
const P = 0x27d4eb2f;

function mixId(id: number): number {
  return Math.imul(id ^ (id >>> 15), 0x2c1b3c6d);
}

function argsHashOf(args: readonly Expr[]): number {
  let h = 0;
  let pk = 1;
  for (let i = 0; i < args.length; i++) {
    h = (h + Math.imul(mixId(args[i]!.id), pk)) | 0;
    pk = Math.imul(pk, P);
  }
  return h;
}

/** Pⁿ mod 2³², by squaring. */
function powP(n: number): number {
  let r = 1;
  let b = P;
  while (n > 0) {
    if (n & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    n >>>= 1;
  }
  return r;
}

const kindHashes = new Map<string, number>();
function kindHash(kind: string, fn: string): number {
  const k = fn === "" ? kind : `${kind}|${fn}`;
  let h = kindHashes.get(k);
  if (h === undefined) {
    h = hashString(k);
    kindHashes.set(k, h);
  }
  return h;
}

function innerHash(kind: string, shape: Shape, argsHash: number, fn: string): number {
  let h = Math.imul(kindHash(kind, fn), 0x9e3779b1);
  h = Math.imul(h ^ dimHash(shape[0]), 0x85ebca6b);
  h = Math.imul(h ^ dimHash(shape[1]), 0xc2b2ae35);
  return Math.imul(h ^ argsHash, 0x27d4eb2f) | 0;
}

/** The children's hash, kept on every inner node (not part of the Expr types). */
interface Hashed {
  readonly argsHash: number;
}

function sameInner(e: Inner, kind: string, shape: Shape, args: readonly Expr[], fn: string): boolean {
  if (e.kind !== kind || (e.kind === "apply" ? e.fn : "") !== fn || e.args.length !== args.length) return false;
  if (!sameDim(e.shape[0], shape[0]) || !sameDim(e.shape[1], shape[1])) return false;
  for (let i = 0; i < args.length; i++) if (e.args[i] !== args[i]) return false;
  return true;
}

function insertInner(h: number, e: Inner): void {
  const bucket = inner.get(h);
  if (bucket === undefined) inner.set(h, e);
  else if (Array.isArray(bucket)) bucket.push(e);
  else inner.set(h, [bucket, e]);
}

/**
 * Every node but a grown product is an ExprNode: one constructor that sets every field of every
 * kind, in one order, so all nodes share one hidden class. Property reads such as e.kind,
 * e.shape and e.args then meet one or two maps (with GrownProduct) wherever they run; with a
 * map per kind (eight of them) those reads were megamorphic, slower in the interpreter that runs
 * a cold process, and optimised code kept being thrown away ("wrong map") as a new kind reached it.
 */
class ExprNode {
  constructor(
    readonly kind: Kind,
    readonly id: number,
    readonly shape: Shape,
    readonly args: readonly Expr[],
    readonly size: number,
    readonly argsHash: number,
    readonly fn: FnName | undefined,
    readonly value: Rational | undefined,
    readonly name: string | undefined,
    readonly role: SymRole | undefined,
    readonly symmetric: boolean | undefined,
    readonly param: string | undefined,
    readonly index: string | undefined,
  ) {}
}

// one empty list for every leaf (a leaf has no children; the list is never written)
const NO_ARGS: readonly Expr[] = [];
/** The shape of every number (shapes are never written to). */
const SCALAR_SHAPE: Shape = [1, 1];

/** The interned inner node of this kind, shape, children and function (made if new). */
function internInner(kind: string, shape: Shape, args: readonly Expr[], fn: string): Inner {
  tick();
  const argsHash = argsHashOf(args);
  const h = innerHash(kind, shape, argsHash, fn);
  const bucket = inner.get(h);
  if (bucket !== undefined) {
    if (!Array.isArray(bucket)) {
      if (sameInner(bucket, kind, shape, args, fn)) return bucket;
    } else {
      for (const e of bucket) if (sameInner(e, kind, shape, args, fn)) return e;
    }
  }
  grow();
  const id = nextId++;
  const e = new ExprNode(kind as Kind, id, shape, args, sizedOf(args), argsHash, fn === "" ? undefined : (fn as FnName), undefined, undefined, undefined, undefined, undefined, undefined) as unknown as Inner;
  insertInner(h, e);
  return e;
}

/** The tree size of a new node, refused past the budget's limit (budget.ts). */
function sizedOf(args: readonly Expr[]): number {
  let n = 1;
  for (const a of args) n += a.size;
  checkSize(n);
  return n;
}

/** Raw node constructor for kinds whose data is just shape + children. */
export function node<K extends InnerKind>(kind: K, shape: Shape, args: readonly Expr[]): Extract<Expr, { kind: K }> {
  return internInner(kind, shape, args, "") as Extract<Expr, { kind: K }>;
}

/**
 * A product grown from another product by one factor (extendedProduct), with its factor list
 * made only when something asks for it. The n nested adjoints of a chain of n definitions
 * (K₁ = A₁X, Kᵢ = Kᵢ₋₁Aᵢ) each add one factor to the one before: as flat lists they would hold
 * n²/2 factors, and the garbage collector would spend more time on them than the derivation.
 * The list, once asked for, is the same as the eager one and is kept.
 */
class GrownProduct {
  readonly kind = "mul";
  private listed: readonly Expr[] | undefined = undefined;
  constructor(
    readonly id: number,
    readonly shape: Shape,
    readonly size: number,
    readonly argsHash: number,
    readonly base: Mul,
    readonly extra: Expr,
    readonly right: boolean,
    readonly count: number,
    readonly first: Expr,
    readonly last: Expr,
  ) {}

  get args(): readonly Expr[] {
    if (this.listed === undefined) this.listed = grownFactors(this);
    return this.listed;
  }

  /** The factor list if it has been made (grownFactors stops at the first such base). */
  get listedArgs(): readonly Expr[] | undefined {
    return this.listed;
  }
}

/** The factors of a grown product, by walking down its bases (iteratively: chains are long). */
function grownFactors(p: GrownProduct): readonly Expr[] {
  const left: Expr[] = [];
  const right: Expr[] = [];
  let e: Mul = p as unknown as Mul;
  while (e instanceof GrownProduct && e.listedArgs === undefined) {
    (e.right ? right : left).push(e.extra);
    e = e.base;
  }
  // outermost first: left extras read left to right, right extras right to left
  right.reverse();
  return [...left, ...e.args, ...right];
}

/** A product's first factor, without listing a grown product's factors. */
export const firstFactor = (e: Expr): Expr | undefined => (e instanceof GrownProduct ? e.first : e.args[0]);
/** A product's last factor, without listing a grown product's factors. */
export const lastFactor = (e: Expr): Expr | undefined => (e instanceof GrownProduct ? e.last : e.args[e.args.length - 1]);
/** A product grown by one factor (extendedProduct): its factors are base's with extra at one end. */
export interface ChainExtension {
  readonly base: Expr;
  readonly extra: Expr;
}

/**
 * How a chain was grown, if it was grown by one factor: a walk that knows all of `base`'s factors
 * unchanged need only look at `extra` (transform.ts), so walking the n nested adjoints of a chain
 * of n definitions is linear, not quadratic.
 */
export const chainExtension = (e: Expr): ChainExtension | undefined => (e instanceof GrownProduct ? e : undefined);
/** Has e's factor list been made? Always, but for a grown product nobody has asked about yet. */
export const factorsListed = (e: Expr): boolean => !(e instanceof GrownProduct) || e.listedArgs !== undefined;
/** How many children e has, without listing a grown product's factors. */
export const childCount = (e: Expr): number => (e instanceof GrownProduct ? e.count : e.args.length);

/** Is c the product of base's factors with extra added (right: appended)? */
function isExtension(c: Inner, base: Mul, extra: Expr, right: boolean, shape: Shape): boolean {
  if (c.kind !== "mul" || childCount(c) !== childCount(base) + 1) return false;
  if (!sameDim(c.shape[0], shape[0]) || !sameDim(c.shape[1], shape[1])) return false;
  if (c instanceof GrownProduct && c.base === base && c.extra === extra && c.right === right) return true;
  // the same product reached another way (rare): compare factor by factor
  const cs = c.args;
  const bs = base.args;
  if ((right ? cs[cs.length - 1] : cs[0]) !== extra) return false;
  const offset = right ? 0 : 1;
  for (let i = 0; i < bs.length; i++) if (cs[i + offset] !== bs[i]) return false;
  return true;
}

/**
 * The product node whose factors are base's with `extra` appended (right) or prepended: the same
 * node as node("mul", shape, factors), with its hash and size taken from base's in constant time
 * and its factor list left unmade (GrownProduct).
 */
export function extendedProduct(base: Mul, extra: Expr, right: boolean, shape: Shape): Mul {
  tick();
  const baseHash = (base as unknown as Hashed).argsHash;
  const n = childCount(base);
  const argsHash = right ? (baseHash + Math.imul(mixId(extra.id), powP(n))) | 0 : (mixId(extra.id) + Math.imul(baseHash, P)) | 0;
  const h = innerHash("mul", shape, argsHash, "");
  const bucket = inner.get(h);
  if (bucket !== undefined) {
    for (const c of Array.isArray(bucket) ? bucket : [bucket]) if (isExtension(c, base, extra, right, shape)) return c as Mul;
  }
  const size = base.size + extra.size;
  checkSize(size);
  grow();
  const first = right ? firstFactor(base)! : extra;
  const last = right ? extra : lastFactor(base)!;
  const e = new GrownProduct(nextId++, shape, size, argsHash, base, extra, right, n + 1, first, last) as unknown as Mul;
  insertInner(h, e);
  return e;
}

export function num(value: Rational): Num {
  tick();
  const hit = numbers.get(value.num)?.get(value.den);
  if (hit !== undefined) return hit;
  grow();
  const e = new ExprNode("num", nextId++, SCALAR_SHAPE, NO_ARGS, 1, 0, undefined, value, undefined, undefined, undefined, undefined, undefined) as unknown as Num;
  insertLeaf(e);
  return e;
}

export function sym(name: string, shape: Shape, role: SymRole, symmetric: boolean): Sym {
  return internNamed("sym", name, shape, role, symmetric, undefined, undefined) as Sym;
}

export function dvar(name: string, shape: Shape, symmetric: boolean): DVar {
  return internNamed("dvar", name, shape, undefined, symmetric, undefined, undefined) as DVar;
}

export function partial(name: string, param: string, shape: Shape, symmetric: boolean, index?: string): Partial {
  return internNamed("partial", name, shape, undefined, symmetric, param, index) as Partial;
}

/** The name of the scalar differential dθ_k of a vector parameter's component. */
export const componentName = (param: string, index: string): string => `${param}[${index}]`;

export function apply(fn: FnName, shape: Shape, args: readonly Expr[]): Apply {
  return internInner("apply", shape, args, fn) as Apply;
}

export const isScalar = (e: Expr): boolean => e.shape[0] === 1 && e.shape[1] === 1;

/** Does any dvar occur in e? Memoised: differentials are asked this constantly. */
const dvarMemo = new GenerationMap<boolean>();
export function hasDVar(e: Expr): boolean {
  if (e.kind === "dvar") return true;
  const hit = dvarMemo.get(e);
  if (hit !== undefined) return hit;
  if (e instanceof GrownProduct) return grownHasDVar(e);
  const r = e.args.some(hasDVar);
  dvarMemo.set(e, r);
  return r;
}

/** hasDVar of a grown product from its bases and extras, without listing its factors. */
function grownHasDVar(p: GrownProduct): boolean {
  const path: GrownProduct[] = [];
  let e: Expr = p as unknown as Expr;
  while (e instanceof GrownProduct && dvarMemo.get(e) === undefined) {
    path.push(e);
    e = e.base;
  }
  let r = hasDVar(e);
  for (let i = path.length - 1; i >= 0; i--) {
    r = r || hasDVar(path[i]!.extra);
    dvarMemo.set(path[i]! as unknown as Expr, r);
  }
  return r;
}

/**
 * Append every item of xs to out. A loop, not out.push(...xs): a call with spread arguments is
 * slow in V8 (the spread into push was a tenth of a product's time), and past about 120,000 items
 * it overflows the stack.
 */
export function pushAll(out: Expr[], xs: readonly Expr[]): void {
  for (let i = 0; i < xs.length; i++) out.push(xs[i]!);
}

/**
 * Visit every distinct node under the roots once (iteratively: deep trees cannot overflow the
 * stack). `visit` may return more roots to walk (a definition's body behind its name).
 */
export function forEachDistinct(roots: readonly Expr[], visit: (e: Expr) => readonly Expr[] | void): void {
  const seen = new Set<Expr>();
  const stack = [...roots];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    const more = visit(e);
    if (more) pushAll(stack, more);
    pushAll(stack, e.args);
  }
}

/** Does the symbol `name` occur in e? */
export function mentions(e: Expr, name: string): boolean {
  if (e.kind === "sym") return e.name === name;
  return e.args.some((a) => mentions(a, name));
}
