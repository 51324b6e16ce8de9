// Presentation: factor what the terms of a sum share, when that makes the answer smaller.
//   s·A + s·B      = s(A + B)        common scalar factors
//   A·X + B·X      = (A + B)X        common right factor
//   X·A + X·B      = X(A + B)        common left factor
// Each is an exact identity; the canonical constructors never undo it (they distribute numeric
// coefficients only). Applied bottom-up, each rewrite kept only if it lowers the node count.

import { add, eye, isPlainChain, mul, splitCoeff } from "../expr/build.js";
import { GenerationMap, GenerationSet, isScalar, num, type Expr } from "../expr/expr.js";
import { mapBottomUp } from "../expr/transform.js";

interface Term {
  coeff: Expr[];
  scalars: Expr[];
  chain: Expr[];
}

function decompose(t: Expr): Term {
  const [c, rest] = splitCoeff(t);
  const coeff = c.num === 1 && c.den === 1 ? [] : [num(c)];
  const factors = rest.kind === "mul" ? rest.args : [rest];
  // a 1×1 value with no matrix chain is a scalar factor; a 1×1 chain (xᵀAy) stays a chain
  const chainOnly = factors.some((f) => !isScalar(f));
  return {
    coeff,
    scalars: chainOnly ? factors.filter(isScalar) : [...factors],
    chain: chainOnly ? factors.filter((f) => !isScalar(f)) : [],
  };
}

function rebuildTerm(t: Term, rows: Expr["shape"][0]): Expr {
  const parts = [...t.coeff, ...t.scalars, ...t.chain];
  if (t.chain.length === 0 && rows !== 1) parts.push(eye(rows));
  return parts.length === 0 ? num({ num: 1, den: 1 }) : mul(parts);
}

/** s·A + s·B = s(A + B) for scalar factors s common to every term. */
function commonScalars(terms: Term[], e: Expr): Expr | undefined {
  let common = terms[0]!.scalars;
  for (const t of terms.slice(1)) common = common.filter((s) => t.scalars.includes(s));
  if (common.length === 0) return undefined;
  const rest = terms.map((t) => {
    const scalars = [...t.scalars];
    for (const c of common) scalars.splice(scalars.indexOf(c), 1);
    const parts = [...t.coeff, ...scalars, ...t.chain];
    return parts.length === 0 ? num({ num: 1, den: 1 }) : mul(parts);
  });
  const inner = add(rest);
  if (inner.shape[0] !== e.shape[0] || inner.shape[1] !== e.shape[1]) return undefined;
  return mul([...common, inner]);
}

/** Group terms by their last (or first) matrix factor: A·X + B·X = (A + B)X. */
function commonSide(terms: Term[], side: "left" | "right", originals: readonly Expr[]): Expr | undefined {
  const groups = new Map<Expr, number[]>();
  terms.forEach((t, i) => {
    if (t.chain.length === 0) return;
    const f = side === "right" ? t.chain[t.chain.length - 1]! : t.chain[0]!;
    const g = groups.get(f);
    if (g) g.push(i);
    else groups.set(f, [i]);
  });
  let best: { f: Expr; members: number[] } | undefined;
  for (const [f, members] of groups) {
    if (members.length >= 2 && (!best || members.length > best.members.length)) best = { f, members };
  }
  if (!best) return undefined;
  const { f, members } = best;
  const inner = members.map((i) => {
    const t = terms[i]!;
    const chain = side === "right" ? t.chain.slice(0, -1) : t.chain.slice(1);
    return rebuildTerm({ ...t, chain }, side === "right" ? f.shape[0] : f.shape[1]);
  });
  const grouped = side === "right" ? mul([add(inner), f]) : mul([f, add(inner)]);
  // the terms outside the group as they were (each is the product of its own parts already)
  const others = originals.filter((_, i) => !members.includes(i));
  return add([grouped, ...others]);
}

function factorSum(e: Expr): Expr {
  if (e.kind !== "add") return e;
  const terms = e.args.map(decompose);
  let best: Expr = e;
  for (const candidate of [commonScalars(terms, e), commonSide(terms, "right", e.args), commonSide(terms, "left", e.args)]) {
    if (candidate && candidate.size < best.size) best = candidate;
  }
  // a factored sum may expose more sharing inside ((A·X + C·X)B = (A + C)XB); each accepted
  // rewrite shrinks the tree, so this terminates
  return best === e ? e : factorCommon(best);
}

// Factoring is a pure function of an interned node, so one memo serves every call: the gradient of
// a chain of n definitions factors n nested adjoints that share all but one factor, linear with it
const factored = new GenerationMap<Expr>();
const factoredUnchanged = new GenerationSet();

/**
 * A sum already in parentheses inside a product gives up a common end factor for free:
 * Vᵀ(diag(s)K − ssᵀK) = Vᵀ(diag(s) − ssᵀ)K. (On its own, (A + B)K has as many nodes as AK + BK.)
 */
function factorSumInProduct(e: Expr): Expr {
  // a chain of plain matrix factors has no sum among them (known per chain, not scanned)
  if (e.kind !== "mul" || isPlainChain(e)) return e;
  const at = e.args.findIndex((f) => f.kind === "add");
  if (at < 0 || e.args.findIndex((f, i) => i > at && f.kind === "add") >= 0) return e;
  const terms = e.args[at]!.args.map(decompose);
  for (const side of ["right", "left"] as const) {
    const end = (t: Term) => (side === "right" ? t.chain[t.chain.length - 1] : t.chain[0]);
    const f = end(terms[0]!);
    if (!f || !terms.every((t) => t.chain.length >= 2 && end(t) === f)) continue;
    const inner = add(terms.map((t) => mul([...t.coeff, ...t.scalars, ...(side === "right" ? t.chain.slice(0, -1) : t.chain.slice(1))])));
    const before = e.args.slice(0, at);
    const after = e.args.slice(at + 1);
    const candidate = side === "right" ? mul([...before, inner, f, ...after]) : mul([...before, f, inner, ...after]);
    if (candidate.size <= e.size) return factorCommon(candidate);
  }
  return e;
}

function factorNode(e: Expr): Expr {
  return e.kind === "add" ? factorSum(e) : factorSumInProduct(e);
}

export function factorCommon(e: Expr): Expr {
  return mapBottomUp(e, factorNode, factored, factoredUnchanged);
}
