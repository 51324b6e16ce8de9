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

/**
 * A chain pattern: a body's factors, or its transpose's (the transposes of its factors, last
 * first), read as `by` or `byᵀ`.
 */
interface ChainPattern {
  body: readonly Expr[];
  by: Expr;
  transposed: boolean;
}

/** Chain patterns indexed by their first factor, in definition order: a product is scanned once. */
type ChainIndex = ReadonlyMap<Expr, readonly ChainPattern[]>;

/**
 * A body that is a matrix chain (a = K⁻¹y) matches inside longer chains too, and so does its
 * transpose (yᵀK⁻¹ = aᵀ for a symmetric K): tr(K⁻¹yyᵀK⁻¹) reads tr(aaᵀ).
 *
 * A transposed pattern is indexed by the transpose of the body's last factor alone; the rest of
 * it is transposed only where a product holds that factor (a chain of thousands of definitions
 * would otherwise build the transpose of every body, and name, for nothing).
 */
function chainPatterns(bodies: ReadonlyMap<Expr, Expr>): ChainIndex {
  const out = new Map<Expr, ChainPattern[]>();
  const add = (first: Expr, p: ChainPattern) => {
    const list = out.get(first);
    if (list) list.push(p);
    else out.set(first, [p]);
  };
  for (const [body, name] of bodies) {
    const fs = body.args;
    if (body.kind !== "mul" || fs.length < 2 || !fs.every((f) => !isScalar(f))) continue;
    add(fs[0]!, { body: fs, by: name, transposed: false });
    // (a 1×1 chain is its own transpose)
    if (!isScalar(body)) add(transpose(fs[fs.length - 1]!), { body: fs, by: name, transposed: true });
  }
  return out;
}

/** Does the pattern's chain stand in `args` from position i? */
function matchesAt(p: ChainPattern, args: readonly Expr[], i: number): boolean {
  const n = p.body.length;
  if (n >= args.length || i + n > args.length) return false;
  for (let k = 0; k < n; k++) {
    if (args[i + k] !== (p.transposed ? transpose(p.body[n - 1 - k]!) : p.body[k])) return false;
  }
  return true;
}

function foldChains(x: Expr, patterns: ChainIndex): Expr {
  const args = x.args;
  const out: Expr[] = [];
  let changed = false;
  for (let i = 0; i < args.length; ) {
    const candidates = patterns.get(args[i]!);
    const hit = candidates?.find((p) => matchesAt(p, args, i));
    if (hit) {
      out.push(hit.transposed ? transpose(hit.by) : hit.by);
      i += hit.body.length;
      changed = true;
    } else out.push(args[i++]!);
  }
  return changed ? mul(out) : x;
}
