// Bottom-up rewriting with the canonical constructors: substitution (--inline) and folding a
// definition's body back into its name (answers use the user's names).

import { add, applyFn, epow, hadamard, hdiv, inv, kron, mul, pow, transpose } from "./build.js";
import { assertNever, chainExtension, isScalar, type Expr } from "./expr.js";

/** Rebuild e's kind over new children through the canonical constructors. */
export function rebuild(e: Expr, args: readonly Expr[]): Expr {
  switch (e.kind) {
    case "num":
    case "sym":
    case "dvar":
    case "partial":
    case "eye":
    case "ones":
    case "zeros":
      return e;
    case "add":
      return add(args);
    case "mul":
      return mul(args);
    case "transpose":
      return transpose(args[0]!);
    case "inv":
      return inv(args[0]!);
    case "pow":
      return pow(args[0]!, args[1]!);
    case "hadamard":
      return hadamard(args);
    case "hdiv":
      return hdiv(args[0]!, args[1]!);
    case "epow":
      return epow(args[0]!, args[1]!);
    case "kron":
      return kron(args[0]!, args[1]!);
    case "apply":
      return applyFn(e.fn, args);
    default:
      return assertNever(e);
  }
}

/** A memo keyed by node: a Map for one walk, a WeakMap for a pure rewrite shared by all walks. */
export interface NodeMemo {
  get(e: Expr): Expr | undefined;
  set(e: Expr, r: Expr): unknown;
}

/** Nodes whose children all mapped to themselves (kept beside a NodeMemo, with the same life). */
export interface NodeSet {
  has(e: Expr): boolean;
  add(e: Expr): unknown;
}

/**
 * Apply f to every node after its children (memoised over shared subtrees). `unchanged` records
 * the products whose children all map to themselves: a chain grown from such a chain by one factor
 * (chainExtension) needs only that factor looked at, not all of its factors again.
 */
export function mapBottomUp(e: Expr, f: (e: Expr) => Expr, memo: NodeMemo = new Map<Expr, Expr>(), unchanged: NodeSet = new Set<Expr>()): Expr {
  // numbers and symbols are asked of f directly: every f here is pure, and cheap on these (a
  // memo entry for each would cost more than f, in the largest tables of the walk). A
  // differential (dK) is memoised like an inner node: differentialIn expands it.
  if (e.kind === "sym" || e.kind === "num") return f(e);
  const hit = memo.get(e);
  if (hit) return hit;
  let mapped: Expr[] | undefined;
  const grown = chainExtension(e);
  // (a grown chain's factor list is not even made when its base is known unchanged)
  if (!(grown && unchanged.has(grown.base) && mapBottomUp(grown.extra, f, memo, unchanged) === grown.extra)) {
    // (a loop, not map and some: every node of every answer passes here, and most map to themselves)
    const args = e.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const m = mapBottomUp(a, f, memo, unchanged);
      if (m !== a && mapped === undefined) mapped = args.slice(0, i);
      if (mapped !== undefined) mapped.push(m);
    }
  }
  // (only products are asked about: a grown chain's base is one)
  if (!mapped && e.kind === "mul") unchanged.add(e);
  const r = f(mapped ? rebuild(e, mapped) : e);
  memo.set(e, r);
  return r;
}

/** Replace symbols by expressions (names are symbols of role var or def). */
export function substitute(e: Expr, by: ReadonlyMap<string, Expr>): Expr {
  return mapBottomUp(e, (x) => (x.kind === "sym" && x.role !== "dim" && x.role !== "const" && by.has(x.name) ? by.get(x.name)! : x));
}

/** Replace any subexpression equal to a definition's body by the definition's name. */
export function foldBodies(e: Expr, bodies: ReadonlyMap<Expr, Expr>): Expr {
  if (bodies.size === 0) return e;
  const chains = chainPatterns(bodies);
  return mapBottomUp(e, (x) => bodies.get(x) ?? (x.kind === "mul" && chains.size > 0 ? foldChains(x, chains) : x));
}

interface ChainPattern {
  factors: readonly Expr[];
  by: Expr;
}

/** Chain patterns indexed by their first factor, in definition order: a product is scanned once. */
type ChainIndex = ReadonlyMap<Expr, readonly ChainPattern[]>;

/**
 * A body that is a matrix chain (a = K⁻¹y) matches inside longer chains too, and so does its
 * transpose (yᵀK⁻¹ = aᵀ for a symmetric K): tr(K⁻¹yyᵀK⁻¹) reads tr(aaᵀ).
 */
function chainPatterns(bodies: ReadonlyMap<Expr, Expr>): ChainIndex {
  const out = new Map<Expr, ChainPattern[]>();
  const add = (p: ChainPattern) => {
    const first = p.factors[0]!;
    const list = out.get(first);
    if (list) list.push(p);
    else out.set(first, [p]);
  };
  const isChain = (b: Expr) => b.kind === "mul" && b.args.length >= 2 && b.args.every((f) => !isScalar(f));
  for (const [body, name] of bodies) {
    if (!isChain(body)) continue;
    add({ factors: body.args, by: name });
    const t = transpose(body);
    if (isChain(t) && t !== body) add({ factors: t.args, by: transpose(name) });
  }
  return out;
}

function foldChains(x: Expr, patterns: ChainIndex): Expr {
  const args = x.args;
  const out: Expr[] = [];
  let changed = false;
  for (let i = 0; i < args.length; ) {
    const candidates = patterns.get(args[i]!);
    const hit = candidates?.find((p) => p.factors.length < args.length && p.factors.every((f, k) => args[i + k] === f));
    if (hit) {
      out.push(hit.by);
      i += hit.factors.length;
      changed = true;
    } else out.push(args[i++]!);
  }
  return changed ? mul(out) : x;
}
