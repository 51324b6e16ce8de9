// Core expressions → the generator's numerical graph (ir.ts). This is where a formula becomes the
// code a careful numerical programmer writes:
// - inv(A)·B is a solve with a factor of A, computed once (Cholesky when A is provably spd, else
//   LU) and shared by every solve, det and log-determinant of A;
// - a product chain is parenthesised by a cost model over the dimension names (ChainPlan, below);
// - a product over a sum is distributed when that is cheaper ((K⁻¹YYᵀK⁻¹ − DK⁻¹)Z as
//   K⁻¹Y(YᵀK⁻¹Z) − D K⁻¹Z never forms an N×N matrix);
// - tr(AB) and diag(AB) are elementwise sums, diag(v)·A a broadcast, softmax and logsumexp stable.

import { add as addExpr, inv as invExpr, isSymmetric, mul as mulExpr, numeric as numberExpr, ones, splitCoeff, transpose as transposeExpr } from "../expr/build.js";
import { assertNever, isScalar, type Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import type { Dim, Shape } from "../expr/shape.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Problem } from "../parse/resolve.js";
import { Graph, isScalarNode, totalFlops, type ElementFn, type Node } from "./ir.js";
import { addPoly, evalPoly, maxPowers, monomial, ZERO_POLY, type Poly } from "./poly.js";
import { DefinitenessProver } from "./spd.js";

export interface CostModel {
  /** Sizes the user gave (--sizes N=2000,D=10). */
  sizes: ReadonlyMap<string, number>;
  /** The size of every other named dimension. */
  fallback: number;
}

/** One factor of a product chain, as the planner sees it. */
type Item =
  | { kind: "plain"; expr: Expr }
  | { kind: "inv"; base: Expr; trans: boolean }
  | { kind: "diag"; vector: Expr };

/** A partial product: an array, or still a lone inverse or diagonal (cheaper to apply than to form). */
type PartialProduct = { kind: "plain"; node: Node } | { kind: "inv"; base: Expr; trans: boolean; shape: Shape } | { kind: "diag"; node: Node; shape: Shape };

const ELEMENT_FNS = new Set<string>(["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "softplus", "logsigmoid", "relu", "step", "abs"]);

/** Distributing a product over a sum of more terms than this is not tried. */
const MAX_DISTRIBUTED_TERMS = 8;

export class Lowering {
  readonly graph = new Graph();
  private readonly memo = new Map<Expr, Node>();
  private readonly factors = new Map<Expr, Node>();
  private readonly prover: DefinitenessProver;

  constructor(
    problem: Problem,
    private readonly bodies: ReadonlyMap<string, Expr>,
    private readonly cost: CostModel,
  ) {
    this.prover = new DefinitenessProver(problem, bodies);
  }

  /**
   * Is cost a below cost b? At the model's sizes; where they tie (all sizes equal by default),
   * the lower highest power of any one dimension wins: thin intermediates over square ones.
   */
  readonly better = (a: Poly, b: Poly): boolean => {
    const va = evalPoly(a, this.cost.sizes, this.cost.fallback);
    const vb = evalPoly(b, this.cost.sizes, this.cost.fallback);
    if (Math.abs(va - vb) > 1e-9 * Math.max(va, vb)) return va < vb;
    return highestPower(a) < highestPower(b);
  };

  /** The factor (Cholesky or LU) of a square matrix, made once per matrix. */
  factor(a: Expr): Node {
    const hit = this.factors.get(a);
    if (hit) return hit;
    const node = this.graph.make({ op: this.prover.isSpd(a) ? "chol" : "lu" }, [this.lower(a)], a.shape);
    this.factors.set(a, node);
    return node;
  }

  lower(e: Expr): Node {
    const hit = this.memo.get(e);
    if (hit) return hit;
    const r = this.compute(e);
    this.memo.set(e, r);
    return r;
  }

  private make(op: Parameters<Graph["make"]>[0], args: readonly Node[], shape: Shape): Node {
    const folded = args.length > 0 && args.every((a) => a.op.op === "num") ? foldConstant(op, args.map((a) => (a.op as { value: number }).value)) : undefined;
    if (folded !== undefined && Number.isFinite(folded)) return this.graph.make({ op: "num", value: folded }, [], [1, 1]);
    return this.graph.make(op, args, shape);
  }

  private number(value: number): Node {
    return this.make({ op: "num", value }, [], [1, 1]);
  }

  private compute(e: Expr): Node {
    switch (e.kind) {
      case "num":
        return this.number(Q.toNumber(e.value));
      case "sym":
        switch (e.role) {
          case "var":
            return this.make({ op: "param", name: e.name }, [], e.shape);
          case "dim":
            return this.make({ op: "dim", name: e.name }, [], e.shape);
          case "const":
            return this.make({ op: "pi" }, [], e.shape);
          case "def": {
            const body = this.bodies.get(e.name);
            if (!body) throw new Error(`internal: no body for ${e.name}`);
            return this.make({ op: "named", name: e.name }, [this.lower(body)], e.shape);
          }
        }
        return assertNever(e.role);
      case "dvar":
        // the direction of a Hessian-vector product
        return this.make({ op: "param", name: `d:${e.name}` }, [], e.shape);
      case "partial":
        return fail("unsupported", `code generation for the unknown function ${e.name}(${e.param}): its derivative partial(${e.name}, ${e.param}) has no code`);
      case "eye":
        return this.make({ op: "eye" }, [], e.shape);
      case "ones":
        return this.make({ op: "ones" }, [], e.shape);
      case "zeros":
        return this.make({ op: "zeros" }, [], e.shape);
      case "add":
        // a row-vector sum is the transpose of a column-vector sum ((y − m)ᵀ and y − m once)
        if (e.shape[0] === 1 && e.shape[1] !== 1) return this.transposeNode(this.lower(transposeExpr(e)));
        return this.sum(e.args);
      case "mul":
        return this.product(e.args);
      case "transpose": {
        const a = e.args[0]!;
        if (a.kind === "inv") return this.product([e]);
        if (isScalar(a) || isSymmetric(a)) return this.lower(a);
        return this.transposeNode(this.lower(a));
      }
      case "inv":
        return this.product([e]);
      case "pow":
        return this.power(e.args[0]!, e.args[1]!, e.shape);
      case "hadamard":
        return e.args.map((a) => this.lower(a)).reduce((acc, x) => this.make({ op: "emul" }, [acc, x], e.shape));
      case "hdiv":
        return this.make({ op: "ediv" }, [this.lower(e.args[0]!), this.lower(e.args[1]!)], e.shape);
      case "epow":
        return this.make({ op: "epow" }, [this.lower(e.args[0]!), this.lower(e.args[1]!)], e.shape);
      case "kron":
        return this.make({ op: "kron" }, [this.lower(e.args[0]!), this.lower(e.args[1]!)], e.shape);
      case "apply":
        return this.apply(e);
      default:
        return assertNever(e);
    }
  }

  private transposeNode(n: Node): Node {
    if (isScalarNode(n)) return n;
    if (n.op.op === "transpose") return n.args[0]!;
    return this.make({ op: "transpose" }, [n], [n.shape[1], n.shape[0]]);
  }

  /** Terms with a negative coefficient are subtracted: a − 2b, not a + (−2)b. */
  private sum(terms: readonly Expr[]): Node {
    // ½A − ½B is ½(A − B): one scaling of the array, not one per term
    const common = commonCoefficient(terms);
    if (common !== undefined && !isScalar(terms[0]!)) {
      const inner = this.sum(terms.map((t) => mulExpr([numberExpr(Q.mul(splitCoeff(t)[0], Q.inv(common))), splitCoeff(t)[1]])));
      return this.make({ op: "emul" }, [this.number(Q.toNumber(common)), inner], inner.shape);
    }
    let acc: Node | undefined;
    // positive terms first, in their canonical order: y − m, not −m + y
    const ordered = [...terms.filter((t) => !isNegativeTerm(t)), ...terms.filter(isNegativeTerm)];
    for (const t of ordered) {
      const negative = isNegativeTerm(t);
      const magnitude = negative ? mulExpr([numberExpr(Q.neg((t.args[0] as Extract<Expr, { kind: "num" }>).value)), ...t.args.slice(1)]) : t;
      const n = this.lower(magnitude);
      if (!acc) acc = negative ? this.make({ op: "neg" }, [n], n.shape) : n;
      else acc = this.make({ op: negative ? "sub" : "add" }, [acc, n], broadcastShape(acc.shape, n.shape));
    }
    return acc!;
  }

  private power(base: Expr, exponent: Expr, shape: Shape): Node {
    if (isScalar(base)) {
      if (exponent.kind === "num" && Q.equal(exponent.value, Q.rat(1, 2))) return this.make({ op: "fn", fn: "sqrt" }, [this.lower(base)], shape);
      if (exponent.kind === "num" && Q.equal(exponent.value, Q.MINUS_ONE)) return this.make({ op: "ediv" }, [this.number(1), this.lower(base)], shape);
      return this.make({ op: "epow" }, [this.lower(base), this.lower(exponent)], shape);
    }
    if (exponent.kind !== "num" || !Q.isInteger(exponent.value)) {
      return fail("unsupported", "code generation for a matrix power with a symbolic exponent");
    }
    const k = Q.toNumber(exponent.value);
    if (k === -1) return this.product([invExpr(base)]);
    const a = k < 0 ? this.explicitInverse(base, false) : this.lower(base);
    return this.make({ op: "matpow", k: Math.abs(k) }, [a], shape);
  }

  private explicitInverse(base: Expr, trans: boolean): Node {
    const n = this.make({ op: "inverse" }, [this.factor(base)], base.shape);
    return trans && !isSymmetric(base) ? this.transposeNode(n) : n;
  }

  private apply(e: Extract<Expr, { kind: "apply" }>): Node {
    const arg = e.args[0]!;
    switch (e.fn) {
      case "det":
        return this.make({ op: "det" }, [this.factor(untransposed(arg))], e.shape);
      case "logdet":
        return this.make({ op: "logdet" }, [this.factor(untransposed(arg))], e.shape);
      case "tr":
        return this.trace(arg);
      case "diagv":
        return this.diagonal(arg);
      case "sum":
        return this.entrySum(arg);
      case "norm2":
        return this.make({ op: "norm2" }, [this.lower(arg)], e.shape);
      case "norm1":
        return this.make({ op: "sum" }, [this.make({ op: "fn", fn: "abs" }, [this.lower(arg)], arg.shape)], e.shape);
      case "logsumexp":
        return this.make({ op: "logsumexp" }, [this.lower(arg)], e.shape);
      case "softmax": {
        if (arg.shape[1] !== 1) return fail("unsupported", "code generation for softmax of a matrix (column by column)");
        // exp(x − logsumexp(x)): no overflow, and it shares the logsumexp of a cross-entropy
        const x = this.lower(arg);
        const lse = this.make({ op: "logsumexp" }, [x], [1, 1]);
        return this.make({ op: "fn", fn: "exp" }, [this.make({ op: "sub" }, [x, lse], x.shape)], e.shape);
      }
      case "diagm":
        return this.make({ op: "diagm" }, [this.lower(arg)], e.shape);
      case "vec":
        return this.make({ op: "vec" }, [this.lower(arg)], e.shape);
      default:
        if (ELEMENT_FNS.has(e.fn)) return this.make({ op: "fn", fn: e.fn as ElementFn }, [this.lower(arg)], e.shape);
        return fail("unsupported", `code generation for ${e.fn}`);
    }
  }

  // ------------------------------------------------------------ products

  private items(chain: readonly Expr[]): Item[] {
    return chain.map((f): Item => {
      if (f.kind === "inv") return { kind: "inv", ...transposeSplit(f.args[0]!) };
      if (f.kind === "transpose" && f.args[0]!.kind === "inv") {
        const inner = transposeSplit(f.args[0].args[0]!);
        return { kind: "inv", base: inner.base, trans: !inner.trans };
      }
      if (f.kind === "apply" && f.fn === "diagm") return { kind: "diag", vector: f.args[0]! };
      const diagonal = diagonalOfSum(f);
      if (diagonal) return { kind: "diag", vector: diagonal };
      return { kind: "plain", expr: f };
    });
  }

  private product(factors: readonly Expr[]): Node {
    const scalars = factors.filter(isScalar);
    const chain = factors.filter((f) => !isScalar(f));
    const direct = this.scaled(scalars, chain.length > 0 ? this.chainValue(this.items(chain)) : undefined);
    const distributed = this.distributed(factors);
    if (distributed && this.better(totalFlops([distributed]), totalFlops([direct]))) return distributed;
    return direct;
  }

  /** The product with its first sum factor multiplied out, when it has one worth trying. */
  private distributed(factors: readonly Expr[]): Node | undefined {
    const chainCount = factors.filter((f) => !isScalar(f)).length;
    if (chainCount < 2) return undefined;
    const at = factors.findIndex((f) => f.kind === "add" && !isScalar(f) && f.args.length <= MAX_DISTRIBUTED_TERMS);
    if (at < 0) return undefined;
    const terms = factors[at]!.args.map((t) => mulExpr([...factors.slice(0, at), t, ...factors.slice(at + 1)]));
    return this.lower(addExpr(terms));
  }

  /** scalar₁·scalar₂·…·array (or the scalar product alone). */
  private scaled(scalars: readonly Expr[], array: Node | undefined): Node {
    let acc: Node | undefined;
    let coefficient = 1;
    for (const s of scalars) {
      if (s.kind === "num") coefficient *= Q.toNumber(s.value);
      else acc = acc ? this.make({ op: "emul" }, [acc, this.lower(s)], [1, 1]) : this.lower(s);
    }
    if (array) acc = acc ? this.make({ op: "emul" }, [acc, array], array.shape) : array;
    if (coefficient === -1 && acc) return this.make({ op: "neg" }, [acc], acc.shape);
    if (coefficient !== 1 || !acc) {
      const c = this.number(coefficient);
      acc = acc ? this.make({ op: "emul" }, [c, acc], acc.shape) : c;
    }
    return acc;
  }

  /** The product of a chain, as an array (a 1×1 result is a scalar). */
  private chainValue(items: readonly Item[]): Node {
    const plan = new ChainPlan(items, this.better);
    return this.asScalarIfOne(this.realise(this.build(plan, 0, items.length - 1)));
  }

  /** A 1×1 array made by a product (xᵀAy) is used as a scalar. */
  private asScalarIfOne(n: Node): Node {
    if (isScalarNode(n) && ARRAY_OPS.has(n.op.op)) return this.make({ op: "item" }, [n], [1, 1]);
    return n;
  }

  private build(plan: ChainPlan, i: number, j: number): PartialProduct {
    if (i === j) {
      const it = plan.items[i]!;
      switch (it.kind) {
        case "plain":
          return { kind: "plain", node: this.lower(it.expr) };
        case "inv":
          return { kind: "inv", base: it.base, trans: it.trans && !isSymmetric(it.base), shape: it.base.shape };
        case "diag":
          return { kind: "diag", node: this.lower(it.vector), shape: [it.vector.shape[0], it.vector.shape[0]] };
      }
    }
    const k = plan.split(i, j);
    return this.combine(this.build(plan, i, k), this.build(plan, k + 1, j));
  }

  /** A partial product as an array. */
  private realise(p: PartialProduct): Node {
    switch (p.kind) {
      case "plain":
        return p.node;
      case "inv":
        return this.explicitInverse(p.base, p.trans);
      case "diag":
        return this.make({ op: "diagm" }, [p.node], p.shape);
    }
  }

  private combine(l: PartialProduct, r: PartialProduct): PartialProduct {
    if (l.kind === "diag" && r.kind === "diag") return { kind: "diag", node: this.make({ op: "emul" }, [l.node, r.node], l.node.shape), shape: l.shape };
    if (l.kind === "inv" && r.kind === "inv") return this.combine({ kind: "plain", node: this.realise(l) }, r);
    if (l.kind === "diag" && r.kind === "inv") return this.combine(l, { kind: "plain", node: this.realise(r) });
    if (l.kind === "inv" && r.kind === "diag") return this.combine(l, { kind: "plain", node: this.realise(r) });
    if (l.kind === "inv" && r.kind === "plain") return { kind: "plain", node: this.solve(l.base, l.trans, r.node) };
    if (l.kind === "plain" && r.kind === "inv") {
      // X·A⁻¹ = (A⁻ᵀXᵀ)ᵀ
      return { kind: "plain", node: this.transposeNode(this.solve(r.base, !r.trans && !isSymmetric(r.base), this.transposeNode(l.node))) };
    }
    if (l.kind === "diag" && r.kind === "plain") return { kind: "plain", node: this.make({ op: "emul" }, [l.node, r.node], r.node.shape) };
    if (l.kind === "plain" && r.kind === "diag") {
      return { kind: "plain", node: this.make({ op: "emul" }, [l.node, this.transposeNode(r.node)], l.node.shape) };
    }
    if (l.kind === "plain" && r.kind === "plain") return { kind: "plain", node: this.matmul(l.node, r.node) };
    throw new Error("internal: unreachable chain combination");
  }

  private solve(base: Expr, trans: boolean, rhs: Node): Node {
    return this.make({ op: "solve", trans }, [this.factor(base), rhs], rhs.shape);
  }

  /** a·b, with products by 𝟏 written as row or column sums. */
  matmul(a: Node, b: Node): Node {
    const shape: Shape = [a.shape[0], b.shape[1]];
    if (b.op.op === "ones" && b.shape[1] === 1) return this.make({ op: "sumRows" }, [a], shape);
    if (a.op.op === "ones" && a.shape[0] === 1) return this.make({ op: "sumCols" }, [b], shape);
    return this.make({ op: "matmul" }, [a, b], shape);
  }

  // ------------------------------------------------------------ reductions of products

  /** tr(c·M₁⋯Mₖ) = c·Σ(L ⊙ Rᵀ) for the cheapest split L = M₁⋯Mᵢ, R = Mᵢ₊₁⋯Mₖ (never the full product). */
  private trace(arg: Expr): Node {
    if (arg.kind === "add") return this.sumOf(arg.args.map((t) => () => this.trace(t)));
    if (arg.kind === "mul") {
      const scalars = arg.args.filter(isScalar);
      const chain = arg.args.filter((f) => !isScalar(f));
      if (chain.length >= 2) return this.scaled(scalars, this.pairedReduction(chain, "trace"));
    }
    return this.make({ op: "trace" }, [this.lower(arg)], [1, 1]);
  }

  /** diag(M₁⋯Mₖ) = rowsums(L ⊙ Rᵀ). */
  private diagonal(arg: Expr): Node {
    if (arg.kind === "mul") {
      const scalars = arg.args.filter(isScalar);
      const chain = arg.args.filter((f) => !isScalar(f));
      if (chain.length >= 2) return this.scaled(scalars, this.pairedReduction(chain, "diagv"));
    }
    return this.make({ op: "diagv" }, [this.lower(arg)], [arg.shape[0], 1]);
  }

  /** sum(X) = 𝟏ᵀX𝟏, planned as one chain (so sum(AB) is a pair of vector products). */
  private entrySum(arg: Expr): Node {
    if (arg.kind === "mul" && arg.args.some((f) => !isScalar(f))) return this.product([ones([1, arg.shape[0]]), ...arg.args, ones([arg.shape[1], 1])]);
    return this.make({ op: "sum" }, [this.lower(arg)], [1, 1]);
  }

  private sumOf(parts: Array<() => Node>): Node {
    return parts.map((p) => p()).reduce((acc, n) => this.make({ op: "add" }, [acc, n], [1, 1]));
  }

  private pairedReduction(chain: readonly Expr[], reduce: "trace" | "diagv"): Node {
    const items = this.items(chain);
    const plan = new ChainPlan(items, this.better);
    const last = items.length - 1;
    const rows = itemShape(items[0]!)[0];
    let best = { cost: addPoly(plan.cost(0, last), monomial(1, rows)), at: -1 };
    for (let s = 0; s < last; s++) {
      const inner = itemShape(items[s]!)[1];
      const parts = [plan.cost(0, s), plan.cost(s + 1, last), monomial(2, rows, inner), plan.realiseCost(0, s), plan.realiseCost(s + 1, last)];
      const c = parts.reduce(addPoly);
      if (this.better(c, best.cost)) best = { cost: c, at: s };
    }
    if (best.at < 0) {
      const full = this.realise(this.build(plan, 0, last));
      return this.make({ op: reduce }, [full], reduce === "trace" ? [1, 1] : [full.shape[0], 1]);
    }
    const l = this.realise(this.build(plan, 0, best.at));
    const r = this.realise(this.build(plan, best.at + 1, last));
    const product = this.make({ op: "emul" }, [l, this.transposeNode(r)], l.shape);
    return reduce === "trace" ? this.make({ op: "sum" }, [product], [1, 1]) : this.make({ op: "sumRows" }, [product], [l.shape[0], 1]);
  }
}

const SCALAR_FUNCTIONS: Record<ElementFn, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  abs: Math.abs,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  logsigmoid: (x) => -(x < 0 ? -x + Math.log1p(Math.exp(x)) : Math.log1p(Math.exp(-x))),
  relu: (x) => Math.max(x, 0),
  step: (x) => (x > 0 ? 1 : 0),
};

/** Scalar arithmetic and functions of numbers are done here, once (sigmoid(2) is a number in the code). */
function foldConstant(op: Parameters<Graph["make"]>[0], xs: number[]): number | undefined {
  const [a, b] = xs as [number, number];
  switch (op.op) {
    case "add":
      return a + b;
    case "sub":
      return a - b;
    case "emul":
      return a * b;
    case "ediv":
      return a / b;
    case "epow":
      return Math.pow(a, b);
    case "neg":
      return -a;
    case "fn":
      return SCALAR_FUNCTIONS[op.fn](a);
    default:
      return undefined;
  }
}

/** The coefficient magnitude every term shares, when it is not 1. */
function commonCoefficient(terms: readonly Expr[]): Q.Rational | undefined {
  const magnitudes = terms.map((t) => { const c = splitCoeff(t)[0]; return Q.isNegative(c) ? Q.neg(c) : c; });
  const first = magnitudes[0]!;
  if (Q.isOne(first) || terms.length < 2) return undefined;
  return magnitudes.every((m) => Q.equal(m, first)) ? first : undefined;
}

function highestPower(p: Poly): number {
  return Math.max(0, ...maxPowers(p).values());
}

function isNegativeTerm(t: Expr): boolean {
  return t.kind === "mul" && t.args[0]!.kind === "num" && Q.isNegative(t.args[0].value);
}

/** Operations whose 1×1 result is still a 1×1 array in every target. */
const ARRAY_OPS = new Set<string>(["matmul", "solve", "sumRows", "sumCols"]);

/** c₁diag(a) + c₂diag(b) = diag(c₁a + c₂b): a sum of diagonals is one diagonal (then a broadcast). */
function diagonalOfSum(f: Expr): Expr | undefined {
  if (f.kind !== "add") return undefined;
  const vectors: Expr[] = [];
  for (const t of f.args) {
    if (t.kind === "apply" && t.fn === "diagm") vectors.push(t.args[0]!);
    else if (t.kind === "mul" && t.args.length >= 2) {
      const last = t.args[t.args.length - 1]!;
      const scalars = t.args.slice(0, -1);
      if (!(last.kind === "apply" && last.fn === "diagm") || !scalars.every(isScalar)) return undefined;
      vectors.push(mulExpr([...scalars, last.args[0]!]));
    } else return undefined;
  }
  return addExpr(vectors);
}

/** inv(Aᵀ) is applied as a transposed solve with the factor of A. */
function transposeSplit(a: Expr): { base: Expr; trans: boolean } {
  if (a.kind === "transpose") return { base: a.args[0]!, trans: true };
  return { base: a, trans: false };
}

function untransposed(a: Expr): Expr {
  return a.kind === "transpose" ? a.args[0]! : a;
}

function itemShape(it: Item): Shape {
  switch (it.kind) {
    case "plain":
      return it.expr.shape;
    case "inv":
      return it.base.shape;
    case "diag":
      return [it.vector.shape[0], it.vector.shape[0]];
  }
}

function broadcastShape(a: Shape, b: Shape): Shape {
  return a[0] === 1 && a[1] === 1 ? b : a;
}

/**
 * Matrix-chain order by dynamic programming over the item kinds: a lone inverse is applied by
 * solves (2n² per column) and a lone diagonal by a broadcast (one per entry) rather than formed.
 * Costs are polynomials, so ties at equal sizes go to the order with the lower powers (U(VᵀV), not
 * (UVᵀ)V: no n×m intermediate from thin factors).
 */
class ChainPlan {
  private readonly costs = new Map<string, { cost: Poly; split: number; kind: Item["kind"] }>();

  constructor(
    readonly items: readonly Item[],
    private readonly better: (a: Poly, b: Poly) => boolean,
  ) {}

  private shape(i: number, j: number): [Dim, Dim] {
    return [itemShape(this.items[i]!)[0], itemShape(this.items[j]!)[1]];
  }

  private entry(i: number, j: number): { cost: Poly; split: number; kind: Item["kind"] } {
    const key = `${i},${j}`;
    const hit = this.costs.get(key);
    if (hit) return hit;
    let r: { cost: Poly; split: number; kind: Item["kind"] } | undefined;
    if (i === j) r = { cost: ZERO_POLY, split: -1, kind: this.items[i]!.kind };
    else {
      for (let k = i; k < j; k++) {
        const l = this.entry(i, k);
        const rt = this.entry(k + 1, j);
        const [rows, inner] = this.shape(i, k);
        const cols = this.shape(k + 1, j)[1];
        const step = combineCost(l.kind, rt.kind, rows, inner, cols);
        const c = addPoly(addPoly(l.cost, rt.cost), step.cost);
        if (!r || this.better(c, r.cost)) r = { cost: c, split: k, kind: step.kind };
      }
    }
    this.costs.set(key, r!);
    return r!;
  }

  cost(i: number, j: number): Poly {
    return this.entry(i, j).cost;
  }

  split(i: number, j: number): number {
    return this.entry(i, j).split;
  }

  /** What forming the range's result as an array costs beyond its plan (an inverse from its factor). */
  realiseCost(i: number, j: number): Poly {
    const e = this.entry(i, j);
    const [rows] = this.shape(i, j);
    return e.kind === "inv" ? monomial(4 / 3, rows, rows, rows) : ZERO_POLY;
  }
}

function combineCost(l: Item["kind"], r: Item["kind"], rows: Dim, inner: Dim, cols: Dim): { cost: Poly; kind: Item["kind"] } {
  if (l === "diag" && r === "diag") return { cost: monomial(1, rows), kind: "diag" };
  if (l === "inv" && r === "plain") return { cost: monomial(2, inner, inner, cols), kind: "plain" };
  if (l === "plain" && r === "inv") return { cost: monomial(2, inner, inner, rows), kind: "plain" };
  if (l === "diag" || r === "diag") return { cost: addPoly(l === "inv" || r === "inv" ? monomial(4 / 3, inner, inner, inner) : ZERO_POLY, monomial(1, rows, cols)), kind: "plain" };
  if (l === "inv" && r === "inv") return { cost: monomial(4 / 3 + 2, inner, inner, inner), kind: "plain" };
  return { cost: monomial(2, rows, inner, cols), kind: "plain" };
}
