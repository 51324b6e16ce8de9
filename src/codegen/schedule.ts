// From the graph to statements: a node gets a name when it is used more than once, is a
// definition or a factorisation, or the target must name it; everything else is written inline
// in its one user. Names are the user's (K), the engine's (C), factors after their matrix
// (K_chol), then t1, t2, ...

import type { Dim } from "../expr/shape.js";
import type { Node } from "./ir.js";
import { atom, nodeHint, type Code, type Statement, type Target } from "./target.js";

const ALWAYS_NAMED = new Set(["named", "chol", "lu", "inverse", "solve"]);
const LEAVES = new Set(["param", "num", "dim", "pi"]);

/** Greek letters people type as names, written out for targets that take ASCII names only. */
const GREEK: Record<string, string> = {
  α: "alpha", β: "beta", γ: "gamma", δ: "delta", ε: "epsilon", ζ: "zeta", η: "eta", θ: "theta", ι: "iota", κ: "kappa",
  λ: "lambda_", μ: "mu", ν: "nu", ξ: "xi", π: "pi_", ρ: "rho", σ: "sigma", τ: "tau", υ: "upsilon", φ: "phi", χ: "chi",
  ψ: "psi", ω: "omega", Γ: "Gamma", Δ: "Delta", Θ: "Theta", Λ: "Lambda", Ξ: "Xi", Π: "Pi", Σ: "Sigma", Φ: "Phi", Ψ: "Psi", Ω: "Omega",
};

/** Hands out identifiers that are valid in the target and distinct from each other. */
export class NameTable {
  private readonly taken = new Set<string>();
  /** Names that had to change, for the header: `import → import_`. */
  readonly renamed: Array<[string, string]> = [];

  constructor(private readonly reserved: ReadonlySet<string>) {}

  claim(wanted: string): string {
    let base = [...wanted].map((ch) => GREEK[ch] ?? ch).join("");
    base = base.replace(/[^A-Za-z0-9_]/g, (ch) => `u${ch.codePointAt(0)!.toString(16)}`);
    if (!/^[A-Za-z]/.test(base)) base = `v${base}`;
    if (this.reserved.has(base)) base = `${base}_`;
    let name = base;
    for (let k = 2; this.taken.has(name) || this.reserved.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    if (name !== wanted) this.renamed.push([wanted, name]);
    return name;
  }

  /** A fresh temporary (not a user's name, so not reported as renamed). */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.taken.has(name) || this.reserved.has(name); k++) name = `${base}${k}`;
    this.taken.add(name);
    return name;
  }
}

export interface Schedule {
  statements: Statement[];
  codeOf: (n: Node) => Code;
}

export function schedule(
  roots: readonly Node[],
  target: Target,
  names: NameTable,
  paramName: (name: string) => string,
  dim: (d: Dim) => string,
): Schedule {
  const order: Node[] = [];
  const uses = new Map<Node, number>();
  const visit = (n: Node): void => {
    const u = uses.get(n);
    uses.set(n, (u ?? 0) + 1);
    if (u !== undefined) return;
    for (const a of n.args) visit(a);
    order.push(n);
  };
  for (const r of roots) visit(r);

  const named = new Set<Node>();
  for (const n of order) {
    if (ALWAYS_NAMED.has(n.op.op)) named.add(n);
    else if (uses.get(n)! > 1 && !LEAVES.has(n.op.op) && !cheapView(n)) named.add(n);
    if (target.needsNamedOperands?.(n)) for (const a of n.args) if (!LEAVES.has(a.op.op)) named.add(a);
  }
  // a definition's body is written as the definition itself (K = Z @ Z.T + ...), not as a temporary
  for (const n of order) if (n.op.op === "named" && uses.get(n.args[0]!) === 1) named.delete(n.args[0]!);

  const nameOf = new Map<Node, string>();
  const codes = new Map<Node, Code>();
  const statements: Statement[] = [];
  let temp = 0;
  for (const n of order) {
    if (n.op.op === "param") {
      codes.set(n, atom(paramName(n.op.name)));
      nameOf.set(n, paramName(n.op.name));
      continue;
    }
    const args = n.args.map((a) => codes.get(a)!);
    const code = n.op.op === "named" ? args[0]! : target.expr(n, args, dim);
    if (!named.has(n)) {
      codes.set(n, code);
      continue;
    }
    const hint = nodeHint(n, (m) => nameOf.get(m));
    const name = n.op.op === "named" ? names.claim(n.op.name) : names.fresh(hint ?? `t${++temp}`);
    nameOf.set(n, name);
    statements.push({ name, node: n, code });
    codes.set(n, atom(name));
  }
  return { statements, codeOf: (n) => codes.get(n)! };
}

/** A transpose or entry of a name costs nothing to write twice. */
function cheapView(n: Node): boolean {
  return (n.op.op === "transpose" || n.op.op === "item") && (LEAVES.has(n.args[0]!.op.op) || ALWAYS_NAMED.has(n.args[0]!.op.op));
}

