// The differential d(e) as a linear expression in d(wrt) and in the differentials d(K) of the
// user's definitions that depend on wrt (kept as symbols, so the derivation reads like a hand one:
// dℓ = G : dK, then dK = dZ Zᵀ + Z dZᵀ).
//
// Structural cases are code (sums, products, powers, Hadamard products); functions of one
// argument come from the identity table (identities.ts).

import {
  add,
  hadamard,
  hdiv,
  isZero,
  kron,
  mul,
  num1,
  numeric,
  pow,
  scale,
  sub,
  transpose,
  zeros,
  applyFn,
  epow,
  subB,
} from "../expr/build.js";
import { assertNever, componentName, dvar, isScalar, partial, type Expr } from "../expr/expr.js";

/** The component index in answers for a vector parameter: ∂f/∂θ_k. */
export const COMPONENT_INDEX = "k";
import * as Q from "../expr/rational.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Problem } from "../parse/resolve.js";
import { printExpr } from "../print/index.js";
import { rulesFor } from "./identities.js";

/** X^k with a matrix X and a symbolic (integer) k. */
function isSymbolicPower(e: Expr): boolean {
  return e.kind === "pow" && !isScalar(e) && e.args[1]!.kind !== "num";
}

export class DifferentialContext {
  private readonly memo = new Map<Expr, Expr>();
  private readonly dependsMemo = new Map<string, boolean>();

  constructor(
    readonly problem: Problem,
    readonly wrt: string,
    /** When given, the ids of the identities used are added to it (for derivations). */
    readonly trace?: Set<string>,
  ) {}

  /** Does the defined name depend on wrt (directly or through earlier definitions)? */
  defDepends(name: string): boolean {
    const hit = this.dependsMemo.get(name);
    if (hit !== undefined) return hit;
    // in definition order, so each body finds the names it uses already answered: a chain of
    // thousands of definitions is walked without recursing through all of them
    for (const def of this.problem.defs) {
      if (!this.dependsMemo.has(def.name)) this.dependsMemo.set(def.name, this.depends(def.body));
      if (def.name === name) break;
    }
    return this.dependsMemo.get(name) ?? false;
  }

  depends(e: Expr): boolean {
    // ∂Σ/∂θ is itself a function of θ (its derivative unknown): it must not pass for a constant
    if (e.kind === "partial") return e.param === this.wrt;
    if (e.kind === "sym") {
      if (e.role === "var") return e.name === this.wrt || this.problem.vars.get(e.name)?.param === this.wrt;
      if (e.role === "def") return this.defDepends(e.name);
      return false;
    }
    // (a loop, not some(): every node of a large problem is asked, most more than once)
    const args = e.args;
    for (let i = 0; i < args.length; i++) if (this.depends(args[i]!)) return true;
    return false;
  }

  d(e: Expr): Expr {
    const hit = this.memo.get(e);
    if (hit) return hit;
    const r = this.depends(e) ? this.compute(e) : zeros(e.shape);
    this.memo.set(e, r);
    return r;
  }

  private compute(e: Expr): Expr {
    switch (e.kind) {
      case "num":
      case "eye":
      case "ones":
      case "zeros":
        return zeros(e.shape);
      case "sym":
        return this.dSym(e);
      case "dvar":
        throw new Error("internal: differential of a differential");
      case "partial":
        return fail("unsupported", `the second derivative of ${e.name}(${e.param}) is unknown, so partial(${e.name}, ${e.param}) cannot be differentiated`);
      case "add":
        this.trace?.add("d-linearity");
        return add(e.args.map((t) => this.d(t)));
      case "mul":
        if (this.trace && e.args.filter((f) => this.depends(f)).length > 1) this.trace.add("d-product");
        return this.leibniz(e.args, (fs) => mul(fs), e);
      case "hadamard":
        this.trace?.add("d-hadamard");
        return this.leibniz(e.args, (fs) => hadamard(fs), e);
      case "kron": {
        this.trace?.add("d-kron");
        const [a, b] = e.args as [Expr, Expr];
        return add([kron(this.d(a), b), kron(a, this.d(b))]);
      }
      case "transpose":
        this.trace?.add("d-transpose");
        return transpose(this.d(e.args[0]!));
      case "hdiv":
        this.trace?.add("d-quotient");
        return this.dQuotient(e.args[0]!, e.args[1]!);
      case "pow":
        this.trace?.add(isScalar(e.args[0]!) ? "d-scalar-power" : "d-matrix-power");
        return this.dPower(e);
      case "epow":
        this.trace?.add("d-elementwise-power");
        return this.dElementPower(e.args[0]!, e.args[1]!);
      case "inv":
        return this.byRule("inv", e.args[0]!);
      case "apply":
        if (e.fn === "tr" && isSymbolicPower(e.args[0]!)) return this.dTracePower(e.args[0]!);
        return this.byRule(e.fn, e.args[0]!);
      default:
        return assertNever(e);
    }
  }

  private dSym(e: Extract<Expr, { kind: "sym" }>): Expr {
    if (e.role === "def") return dvar(e.name, e.shape, e.symmetric);
    if (e.role === "var" && e.name === this.wrt) return dvar(e.name, e.shape, e.symmetric);
    const v = this.problem.vars.get(e.name);
    if (v?.param === this.wrt) {
      // dΣ = ∂Σ/∂θ dθ for a scalar θ; for a vector θ, per component: dΣ = ∂Σ/∂θ_k dθ_k
      const theta = this.problem.vars.get(this.wrt)!;
      if (theta.shape[0] === 1) return mul([partial(e.name, this.wrt, e.shape, e.symmetric), dvar(this.wrt, theta.shape, true)]);
      const k = COMPONENT_INDEX;
      return mul([partial(e.name, this.wrt, e.shape, e.symmetric, k), dvar(componentName(this.wrt, k), [1, 1], true)]);
    }
    return zeros(e.shape);
  }

  /** d(f1 f2 … fk) = Σᵢ f1 … dfᵢ … fk, skipping constant factors (product rule). */
  private leibniz(factors: readonly Expr[], make: (fs: Expr[]) => Expr, e: Expr): Expr {
    const terms: Expr[] = [];
    for (let i = 0; i < factors.length; i++) {
      const df = this.d(factors[i]!);
      if (isZero(df)) continue;
      const fs = factors.slice();
      fs[i] = df;
      terms.push(make(fs));
    }
    return terms.length === 0 ? zeros(e.shape) : add(terms);
  }

  /** d(A ⊘ B) = dA ⊘ B − (A ⊙ dB) ⊘ (B ⊙ B). */
  private dQuotient(a: Expr, b: Expr): Expr {
    const da = this.d(a);
    const db = this.d(b);
    const terms: Expr[] = [];
    if (!isZero(da)) terms.push(hdiv(da, b));
    if (!isZero(db)) terms.push(scale(Q.MINUS_ONE, hdiv(hadamard([a, db]), hadamard([b, b]))));
    return terms.length === 0 ? zeros(a.shape) : add(terms);
  }

  private dPower(e: Expr): Expr {
    const [base, k] = e.args as [Expr, Expr];
    if (!isScalar(base)) return this.dMatrixPower(base, k);
    const dk = this.d(k);
    const db = this.d(base);
    const terms: Expr[] = [];
    // d(x^p) = p x^(p-1) dx
    if (!isZero(db)) terms.push(mul([k, pow(base, sub(k, num1)), db]));
    // d(x^y) through the exponent: x^y log(x) dy
    if (!isZero(dk)) terms.push(mul([e, applyFn("log", [base]), dk]));
    return terms.length === 0 ? zeros(e.shape) : add(terms);
  }

  /**
   * d tr(M^k) = k tr(M^(k−1) dM) for an integer k, by the cyclic trace: the k terms of d(M^k) all
   * become the same one (Matrix Cookbook (2012) eq. (121) for M = X). Outside a trace they stay k
   * different terms, which a symbolic k cannot write.
   */
  private dTracePower(power: Expr): Expr {
    const [base, k] = power.args as [Expr, Expr];
    this.trace?.add("d-trace-power");
    const dM = this.d(base);
    return isZero(dM) ? zeros([1, 1]) : mul([k, applyFn("tr", [mul([pow(base, sub(k, num1)), dM])])]);
  }

  /** d(X^k) = Σ_{r=0}^{k-1} X^r dX X^(k-1-r) for a positive integer k (Matrix Cookbook (91) form). */
  private dMatrixPower(base: Expr, k: Expr): Expr {
    if (k.kind !== "num") {
      return fail("unsupported", "the differential of a matrix power X^k with a symbolic k is a sum of k terms; only its trace, tr(X^k) (or tr(M^k)), can be written");
    }
    if (!Q.isInteger(k.value) || k.value.num < 1) {
      throw new Error("internal: matrix power must be a positive integer after canonicalisation");
    }
    const n = k.value.num;
    const dX = this.d(base);
    const terms: Expr[] = [];
    for (let r = 0; r < n; r++) terms.push(mul([pow(base, numeric(r)), dX, pow(base, numeric(n - 1 - r))]));
    return add(terms);
  }

  /** d(A.^B) = B ⊙ A.^(B−1) ⊙ dA + A.^B ⊙ log(A) ⊙ dB. */
  private dElementPower(a: Expr, b: Expr): Expr {
    const da = this.d(a);
    const db = this.d(b);
    const terms: Expr[] = [];
    if (!isZero(da)) terms.push(hadamard([b, epow(a, subB(b, num1)), da]));
    if (!isZero(db)) terms.push(hadamard([epow(a, b), applyFn("log", [a]), db]));
    return terms.length === 0 ? zeros(a.shape) : add(terms);
  }

  private byRule(head: string, arg: Expr): Expr {
    const rule = rulesFor(head).find((r) => r.when !== "column" || arg.shape[1] === 1);
    if (!rule) {
      fail("unsupported", `no differentiation rule for ${head}(${printExpr(arg, "plain")})`);
    }
    this.trace?.add(rule.id);
    return rule.template({ holes: new Map([["X", arg]]), d: (x) => this.d(x) });
  }
}
