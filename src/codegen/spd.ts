// What the generator may assume about a matrix before it factors it: positive definite (one
// Cholesky, reused by every solve and the log-determinant) or not (one LU). A proof, not a guess:
// declared spd, a Gram matrix ZZᵀ (semidefinite) plus a positive multiple of I or of an spd
// matrix, the inverse of an spd matrix, a positive combination of those.

import { isScalar, type Expr } from "../expr/expr.js";
import type { Problem } from "../parse/resolve.js";

type Definiteness = "spd" | "psd" | "unknown";

export class DefinitenessProver {
  private readonly memo = new Map<Expr, Definiteness>();
  private readonly positiveMemo = new Map<Expr, boolean>();

  constructor(
    private readonly problem: Problem,
    /** Bodies of every defined name (the user's and the engine's). */
    private readonly bodies: ReadonlyMap<string, Expr>,
  ) {}

  isSpd(e: Expr): boolean {
    return this.definiteness(e) === "spd";
  }

  private definiteness(e: Expr): Definiteness {
    const hit = this.memo.get(e);
    if (hit) return hit;
    this.memo.set(e, "unknown"); // a cycle proves nothing
    const r = this.compute(e);
    this.memo.set(e, r);
    return r;
  }

  private compute(e: Expr): Definiteness {
    if (e.shape[0] !== e.shape[1]) return "unknown";
    switch (e.kind) {
      case "eye":
        return "spd";
      case "sym": {
        if (e.role === "var") return this.problem.vars.get(e.name)?.typeKind === "spd" ? "spd" : "unknown";
        if (e.role === "def") {
          const body = this.bodies.get(e.name);
          return body ? this.definiteness(body) : "unknown";
        }
        return "unknown";
      }
      case "inv":
        return this.definiteness(e.args[0]!) === "spd" ? "spd" : "unknown";
      case "add": {
        const parts = e.args.map((t) => this.definiteness(t));
        if (parts.some((p) => p === "unknown")) return "unknown";
        return parts.includes("spd") ? "spd" : "psd";
      }
      case "mul":
        return this.product(e.args);
      case "apply":
        // diag(exp(v)) and friends: a diagonal of positive entries
        if (e.fn === "diagm" && this.isPositiveVector(e.args[0]!)) return "spd";
        return "unknown";
      default:
        return "unknown";
    }
  }

  /** c·S (c > 0), AᵀA / AAᵀ (Gram), AᵀSA (congruence of a semidefinite S). */
  private product(factors: readonly Expr[]): Definiteness {
    const scalars = factors.filter(isScalar);
    const chain = factors.filter((f) => !isScalar(f));
    if (!scalars.every((s) => this.isPositive(s))) return "unknown";
    if (chain.length === 1) return this.definiteness(chain[0]!);
    const k = chain.length;
    for (let i = 0; i < Math.floor(k / 2); i++) {
      if (!isTransposeOf(chain[i]!, chain[k - 1 - i]!)) return "unknown";
    }
    if (k % 2 === 0) return "psd";
    return this.definiteness(chain[(k - 1) / 2]!) === "unknown" ? "unknown" : "psd";
  }

  private isPositiveVector(v: Expr): boolean {
    return v.kind === "apply" && (v.fn === "exp" || v.fn === "sigmoid" || v.fn === "softplus");
  }

  /** A scalar known to be > 0: a positive number, a `positive` variable, a size, π, products, powers, exp. */
  isPositive(e: Expr): boolean {
    const hit = this.positiveMemo.get(e);
    if (hit !== undefined) return hit;
    this.positiveMemo.set(e, false);
    const r = this.computePositive(e);
    this.positiveMemo.set(e, r);
    return r;
  }

  private computePositive(e: Expr): boolean {
    switch (e.kind) {
      case "num":
        return e.value.num > 0;
      case "sym":
        if (e.role === "dim" || e.role === "const") return true;
        if (e.role === "var") return this.problem.vars.get(e.name)?.typeKind === "positive";
        if (e.role === "def") {
          const body = this.bodies.get(e.name);
          return body !== undefined && isScalar(body) && this.isPositive(body);
        }
        return false;
      case "mul":
      case "add":
        return e.args.every((a) => this.isPositive(a));
      case "pow":
        return this.isPositive(e.args[0]!);
      case "hdiv":
        return this.isPositive(e.args[0]!) && this.isPositive(e.args[1]!);
      case "apply":
        return e.fn === "exp" || e.fn === "sigmoid" || e.fn === "softplus" || (e.fn === "sqrt" && this.isPositive(e.args[0]!));
      default:
        return false;
    }
  }
}

function isTransposeOf(a: Expr, b: Expr): boolean {
  return (a.kind === "transpose" && a.args[0] === b) || (b.kind === "transpose" && b.args[0] === a);
}
