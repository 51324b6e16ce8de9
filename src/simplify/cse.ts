// Naming common subexpressions, as a careful derivation does ("with C = (aaᵀ − K⁻¹) ⊙ E"):
// a subexpression that occurs at least twice in the answers of one query and is big enough to be
// worth a name becomes an engine definition. Largest first, deterministic names; the answer and
// the definitions are exact rewrites of each other (substituting the bodies back gives the
// original).

import { isSymmetric } from "../expr/build.js";
import { sym, type Expr } from "../expr/expr.js";
import { compareExpr } from "../expr/order.js";
import { mapBottomUp } from "../expr/transform.js";

/** Only subexpressions at least this big (in nodes) are worth a name. */
export const MIN_NAMED_SIZE = 8;

const MATRIX_NAMES = ["C", "M", "P", "R", "T", "U", "V", "G", "H", "L", "N", "Q"];
const VECTOR_NAMES = ["a", "b", "c", "u", "v", "r", "q", "g", "h", "e", "z"];
const SCALAR_NAMES = ["c", "k", "r", "q", "g", "h", "e", "z"];

export interface Named {
  exprs: Expr[];
  /** In dependency order: a later body may use an earlier name. */
  definitions: Array<[string, Expr]>;
}

function countOccurrences(roots: readonly Expr[]): Map<Expr, number> {
  const counts = new Map<Expr, number>();
  const walk = (e: Expr): void => {
    counts.set(e, (counts.get(e) ?? 0) + 1);
    // children of a node seen before were counted then; count them again (each occurrence)
    for (const a of e.args) walk(a);
  };
  roots.forEach(walk);
  return counts;
}

function freshName(e: Expr, taken: Set<string>): string | undefined {
  const pool = e.shape[0] === 1 && e.shape[1] === 1 ? SCALAR_NAMES : e.shape[1] === 1 ? VECTOR_NAMES : MATRIX_NAMES;
  for (const base of pool) {
    if (!taken.has(base)) return base;
  }
  for (let i = 1; i < 1000; i++) {
    const n = `${pool[0]}${i}`;
    if (!taken.has(n)) return n;
  }
  return undefined;
}

export function nameCommonSubexpressions(exprs: readonly Expr[], taken: ReadonlySet<string>): Named {
  // each answer is named on its own, so asking for a second variable never rewrites the first
  // (GPLVM wrt Z alone and wrt Z, beta print the same ∂f/∂Z); a body named for one answer keeps
  // its name in the others
  const names = new Set(taken);
  const known = new Map<Expr, Expr>();
  const all: Array<[string, Expr]> = [];
  const out = exprs.map((e) => {
    const r = nameWithin(e, names, known);
    for (const d of r.definitions) if (!all.some(([n]) => n === d[0])) all.push(d);
    return r.expr;
  });
  // a body may mention a name defined after it (found in a later round): order by dependency
  return { exprs: out, definitions: orderByDependency(all) };
}

/** Name what repeats within one answer (and within the bodies named for it). */
function nameWithin(e: Expr, names: Set<string>, known: Map<Expr, Expr>): { expr: Expr; definitions: Array<[string, Expr]> } {
  let current = e;
  const definitions: Array<[string, Expr]> = [];
  for (let round = 0; round < 20; round++) {
    const roots = [current, ...definitions.map(([, body]) => body)];
    const counts = countOccurrences(roots);
    const candidates = [...counts.entries()]
      .filter(([x, n]) => n >= 2 && x.size >= MIN_NAMED_SIZE && !(x.kind === "sym"))
      .map(([x]) => x)
      .sort((a, b) => b.size - a.size || compareExpr(a, b));
    const pick = candidates[0];
    if (!pick) break;
    let symbol = known.get(pick);
    if (!symbol) {
      const name = freshName(pick, names);
      if (!name) break;
      names.add(name);
      symbol = sym(name, pick.shape, "def", isSymmetric(pick));
      known.set(pick, symbol);
    }
    const s = symbol as Extract<Expr, { kind: "sym" }>;
    const replace = (x: Expr) => mapBottomUp(x, (y) => (y === pick ? s : y));
    current = replace(current);
    // A named body can come back: replacing it inside a larger body lets that body's constructor
    // re-form another occurrence of it (u4ᵀ(Mᵀ-spelled-out)M u4 re-spells its first factor as the
    // transpose of M's body). It is then named again where it came back, but the definition it
    // already has keeps its body (replacing that too would define M as M).
    for (const d of definitions) if (d[1] !== pick) d[1] = replace(d[1]);
    if (!definitions.some(([name]) => name === s.name)) definitions.push([s.name, pick]);
  }
  return { expr: current, definitions };
}

function mentionsName(e: Expr, name: string): boolean {
  if (e.kind === "sym") return e.name === name;
  return e.args.some((a) => mentionsName(a, name));
}

function orderByDependency(defs: Array<[string, Expr]>): Array<[string, Expr]> {
  const out: Array<[string, Expr]> = [];
  const pending = [...defs];
  while (pending.length > 0) {
    const i = pending.findIndex(([, body]) => pending.every(([other]) => !mentionsName(body, other)));
    out.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  return out;
}
