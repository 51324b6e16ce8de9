// Printing core expressions in the three text forms. One precedence-aware walk; the forms differ
// only in the small hooks of each subclass (how a product, a transpose, a function looks).
//
// Precedence, loosest first, matches the input grammar so `plain` output parses back to an equal
// expression: sum < product < prefix minus < power < postfix < atom.

import { mul, pow, scale, splitCoeff, sumContent, transpose } from "../expr/build.js";
import { assertNever, GenerationMap, isScalar, node as rawNode, num as numExpr, type Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import { tick } from "../budget.js";

export const SUM = 1;
export const PRODUCT = 2;
export const NEG = 3;
export const POWER = 4;
export const POSTFIX = 5;
export const ATOM = 6;

export interface Doc {
  s: string;
  p: number;
}

export type FormName = "plain" | "unicode" | "latex";

/** A product split for display: sign, numerator scalars, denominator scalars, matrix chain. */
export interface ProductParts {
  negative: boolean;
  coeffNum: number;
  coeffDen: number;
  numer: Expr[];
  denom: Expr[];
  chain: Expr[];
}

export abstract class Printer {
  abstract readonly form: FormName;

  /**
   * Docs of the nodes printed so far. Every node's text depends on the node alone (nodes are
   * interned and immutable), so each is laid out once: printing is linear in the size of the tree
   * (shared subtrees count once), however often a hook asks for a child's doc, and an answer that
   * is printed again (read back, then written in the output) costs a lookup. Kept for the node
   * generation: releaseNodes() forgets them with the nodes.
   */
  private readonly memo = new GenerationMap<Doc>();

  print(e: Expr): string {
    return this.doc(e).s;
  }

  protected wrap(d: Doc, min: number): string {
    return d.p < min ? this.parens(d.s) : d.s;
  }

  protected parens(s: string): string {
    return `(${s})`;
  }

  doc(e: Expr): Doc {
    let d = this.memo.get(e);
    if (!d) {
      d = this.layout(e);
      this.memo.set(e, d);
    }
    return d;
  }

  private layout(e: Expr): Doc {
    tick();
    switch (e.kind) {
      case "num":
        return this.number(e.value);
      case "sym":
        return { s: e.role === "const" ? this.constant(e.name) : this.name(e.name), p: ATOM };
      case "dvar":
        return this.differential(e.name);
      case "partial":
        return this.partialDoc(e.name, e.param, e.index);
      case "eye":
        return this.identity(e);
      case "ones":
        return this.onesDoc(e);
      case "zeros":
        return this.zerosDoc(e);
      case "add":
        return this.sum(e);
      case "mul":
        return this.product(e);
      case "transpose":
        return this.transposeDoc(e.args[0]!);
      case "inv":
        return this.inverse(e.args[0]!);
      case "pow":
        return this.power(e);
      case "hadamard":
        return this.infix(e.args, this.hadamardOp());
      case "hdiv":
        return this.infix(e.args, this.hdivOp());
      case "epow":
        return this.elementPower(e.args[0]!, e.args[1]!);
      case "kron":
        return this.kronDoc(e.args[0]!, e.args[1]!);
      case "apply":
        return this.call(e);
      default:
        return assertNever(e);
    }
  }

  // ---------------------------------------------------------------- sums

  protected sum(e: Expr): Doc {
    const flipped = transpose(e);
    if (flipped.kind === "add" && countTransposes(flipped) + 1 < countTransposes(e)) {
      // yᵀ − mᵀ reads better as (y − m)ᵀ
      return this.transposeDoc(flipped);
    }
    let [k, rest] = sumContent(e);
    if (!Q.isOne(k) && !Q.isOne(Q.neg(k)) && Q.isExact(k)) {
      // the factored-out coefficient is positive (½(S⁻¹ − …), not −½(… − S⁻¹)) unless every term is negative
      const allNegative = e.args.every((t) => Q.isNegative(splitCoeff(t)[0]));
      if (Q.isNegative(k) !== allNegative) {
        k = Q.neg(k);
        rest = rawNode("add", rest.shape, rest.args.map((t) => scale(Q.MINUS_ONE, t)));
      }
      // ½S⁻¹ − ½S⁻¹uuᵀS⁻¹ reads as ½(S⁻¹ − S⁻¹uuᵀS⁻¹); it parses back to the same sum
      return this.product(productOf(k, rest));
    }
    const terms = presentOrder(e.args);
    // c·ones(n) prints as the scalar c only beside an array term that fixes the sum's shape:
    // 1 − y, but 𝟏 + s𝟏 stays as it is (1 + s would be a scalar)
    const broadcastOk = isScalar(e) || terms.some((t) => !isScalar(stripBroadcast(t)));
    let s = "";
    terms.forEach((t, i) => {
      const [c, rest] = splitCoeff(t);
      const negative = Q.isNegative(c);
      const positive = negative ? scale(Q.neg(c), rest) : t;
      const text = this.wrap(broadcastOk ? this.broadcastDoc(positive) : this.doc(positive), PRODUCT);
      if (i === 0) s = negative ? `${this.minus()}${text}` : text;
      else s += negative ? ` ${this.minus()} ${text}` : ` + ${text}`;
    });
    return { s, p: SUM };
  }

  protected minus(): string {
    return "-";
  }

  /**
   * Whether the form writes 𝟏: then only a number times 𝟏 reads as the number (1 − σ, as papers
   * write it) and any other scalar keeps its 𝟏, so a scalar plus a vector never reads like a
   * product (exp(t)𝟏 + 2t x). The plain form writes the scalar alone (NumPy broadcasting).
   */
  protected readonly writesOnes: boolean = false;

  /** How c·ones(n) reads beside an array term: the scalar as it reads alone, then 𝟏 if the form writes it. */
  protected broadcastDoc(t: Expr): Doc {
    const scalar = stripBroadcast(t);
    if (scalar === t || !this.writesOnes || scalar.kind === "num") return this.doc(scalar);
    const onesFactor = t.kind === "mul" ? t.args[t.args.length - 1]! : t;
    return { s: `${this.wrap(this.doc(scalar), PRODUCT)} ${this.doc(onesFactor).s}`, p: PRODUCT };
  }

  // ---------------------------------------------------------------- products

  protected splitProduct(e: Expr): ProductParts {
    const parts: ProductParts = { negative: false, coeffNum: 1, coeffDen: 1, numer: [], denom: [], chain: [] };
    for (const f of e.kind === "mul" ? e.args : [e]) {
      if (f.kind === "num") {
        parts.negative = Q.isNegative(f.value);
        parts.coeffNum = Math.abs(f.value.num);
        parts.coeffDen = f.value.den;
      } else if (isScalar(f) && f.kind === "pow" && f.args[1]!.kind === "num" && Q.isNegative(f.args[1].value)) {
        parts.denom.push(pow(f.args[0]!, negated(f.args[1])));
      } else if (isScalar(f)) parts.numer.push(f);
      else parts.chain.push(f);
    }
    // −(DK⁻¹ − C)Z reads as (C − DK⁻¹)Z: a minus sign in front of a product with one mixed-sign
    // sum goes into the sum (display only: the text parses back to the same canonical product),
    // but a difference of plain names keeps its canonical orientation: −S⁻¹(y − m), as users write it
    const sums = [...parts.numer, ...parts.chain].filter((f) => f.kind === "add");
    if (parts.negative && sums.length === 1 && !sums[0]!.args.every(isLeafTerm)) {
      const signs = sums[0]!.args.map((t) => Q.isNegative(splitCoeff(t)[0]));
      if (signs.includes(true) && signs.includes(false)) {
        const s = sums[0]!;
        const flipped = rawNode("add", s.shape, s.args.map((t) => scale(Q.MINUS_ONE, t)));
        parts.negative = false;
        parts.numer = parts.numer.map((f) => (f === s ? flipped : f));
        parts.chain = parts.chain.map((f) => (f === s ? flipped : f));
      }
    }
    return parts;
  }

  protected abstract product(e: Expr): Doc;

  // ---------------------------------------------------------------- hooks per form

  protected abstract number(r: Q.Rational): Doc;
  protected abstract name(n: string): string;
  /** A built-in constant: pi as the form writes it (π, \pi). */
  protected constant(n: string): string {
    return n;
  }
  protected abstract differential(n: string): Doc;
  protected abstract partialDoc(name: string, param: string, index?: string): Doc;
  protected abstract identity(e: Expr): Doc;
  protected abstract onesDoc(e: Expr): Doc;
  protected abstract zerosDoc(e: Expr): Doc;
  protected abstract transposeDoc(arg: Expr): Doc;
  protected abstract inverse(arg: Expr): Doc;
  protected abstract power(e: Expr): Doc;
  protected abstract hadamardOp(): string;
  protected abstract hdivOp(): string;
  protected abstract elementPower(a: Expr, b: Expr): Doc;
  protected abstract kronDoc(a: Expr, b: Expr): Doc;
  protected abstract call(e: Extract<Expr, { kind: "apply" }>): Doc;

  /** Left-associative product-level operator: left operand at product level, right tighter. */
  protected infix(args: readonly Expr[], op: string): Doc {
    const s = args.map((a, i) => this.wrap(this.doc(stripBroadcast(a)), i === 0 ? NEG : POWER)).join(op);
    return { s, p: PRODUCT };
  }
}

/** k·(sum) as a product node for display only (the canonical constructor would distribute it). */
function productOf(k: Q.Rational, rest: Expr): Expr {
  return rawNode("mul", rest.shape, [numExpr(k), rest]);
}

/** ±c·NAME (or a constant): the terms of a difference such as y − m or 1 − y. */
function isLeafTerm(t: Expr): boolean {
  const rest = splitCoeff(t)[1];
  return rest.args.length === 0;
}

function negated(e: Expr): Expr {
  if (e.kind !== "num") throw new Error("internal: expected a number");
  return numExpr(Q.neg(e.value));
}

/** Positive terms first (a sum reads better starting with a plus), canonical order otherwise. */
export function presentOrder(terms: readonly Expr[]): Expr[] {
  const pos = terms.filter((t) => !Q.isNegative(splitCoeff(t)[0]));
  const neg = terms.filter((t) => Q.isNegative(splitCoeff(t)[0]));
  return [...pos, ...neg];
}

/** In a sum, c·ones(n, m) prints as the scalar c (NumPy broadcasting): 1 - y, not ones(n) - y. */
export function stripBroadcast(t: Expr): Expr {
  if (t.kind === "ones") return numExpr(Q.ONE);
  if (t.kind === "mul") {
    const last = t.args[t.args.length - 1]!;
    if (last.kind === "ones" && t.args.slice(0, -1).every(isScalar)) return mul(t.args.slice(0, -1));
  }
  return t;
}

const transposeCounts = new GenerationMap<number>();

/** Transposes in the tree (each occurrence), memoised: the sum printer asks for every sum. */
export function countTransposes(e: Expr): number {
  const hit = transposeCounts.get(e);
  if (hit !== undefined) return hit;
  let n = e.kind === "transpose" ? 1 : 0;
  for (const a of e.args) n = Math.min(Number.MAX_SAFE_INTEGER, n + countTransposes(a));
  transposeCounts.set(e, n);
  return n;
}

export function isScalarChain(e: Expr): boolean {
  return e.kind === "mul" && isScalar(e) && e.args.some((f) => !isScalar(f));
}
