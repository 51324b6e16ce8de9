// The unicode form, for terminals: reads like a paper (K⁻¹YYᵀK⁻¹Z − D K⁻¹Z). Factors are
// juxtaposed only where that cannot merge two names; a space separates them otherwise.

import type { Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import { superscript, vulgarFraction } from "./names.js";
import { ATOM, NEG, POSTFIX, POWER, PRODUCT, Printer, isScalarChain, stripBroadcast, type Doc } from "./printer.js";

// ᵀ is a modifier letter in Unicode but reads as a superscript, so it ends a name
const ALNUM = /(?!ᵀ)[\p{L}\p{Nd}_]/u;

function leadingRun(s: string): number {
  let n = 0;
  for (const c of s) {
    if (!ALNUM.test(c)) break;
    n++;
  }
  return n;
}

function trailingRun(s: string): number {
  let n = 0;
  for (const c of [...s].reverse()) {
    if (!ALNUM.test(c)) break;
    n++;
  }
  return n;
}

/** Join two factors: juxtapose single glyphs (YYᵀ, 2X), space out names that would merge (W2 h). */
export function juxtapose(a: string, b: string): string {
  if (a === "") return b;
  if (b === "") return a;

  const ra = trailingRun(a);
  const rb = leadingRun(b);
  if (ra === 0 || rb === 0) return a + b;
  const digitMeetsDigit = /\d$/.test(a) && /^\d/.test(b);
  return ra === 1 && rb === 1 && !digitMeetsDigit ? a + b : `${a} ${b}`;
}

/**
 * Join factors pairwise, deciding each gap from the two factors that meet there; but a run of two
 * or more letters before a parenthesis is spaced from it, or t·r·(A) would print as tr(A), a call.
 */
export function joinFactors(texts: readonly string[]): string {
  let out = "";
  let prev = "";
  for (const t of texts) {
    if (out === "") out = t;
    else if (t.startsWith("(") && trailingRun(out) >= 2) out += ` ${t}`;
    else out += juxtapose(prev, t).slice(prev.length);
    prev = t;
  }
  return out;
}

export class UnicodePrinter extends Printer {
  readonly form = "unicode" as const;

  protected override readonly writesOnes = true;

  protected override minus(): string {
    return "−";
  }

  protected number(r: Q.Rational): Doc {
    const n = Math.abs(r.num);
    let body: Doc;
    if (r.den === 1) body = { s: Q.format(Q.rat(n)), p: ATOM };
    else body = { s: vulgarFraction(n, r.den) ?? `${n}/${r.den}`, p: vulgarFraction(n, r.den) ? ATOM : PRODUCT };
    return Q.isNegative(r) ? { s: `−${body.s}`, p: NEG } : body;
  }

  protected name(n: string): string {
    return n;
  }

  protected override constant(n: string): string {
    return n === "pi" ? "π" : n;
  }

  protected partialDoc(name: string, param: string, index?: string): Doc {
    return { s: `∂${name}/∂${param}${index ? `_${index}` : ""}`, p: PRODUCT };
  }

  protected differential(n: string): Doc {
    const component = /^(.*)\[(.*)\]$/.exec(n); // dθ_k of a vector parameter
    return { s: component ? `d${component[1]}_${component[2]}` : `d${n}`, p: ATOM };
  }

  protected identity(): Doc {
    return { s: "I", p: ATOM };
  }

  protected onesDoc(e: Expr): Doc {
    const [r, c] = e.shape;
    // 𝟏 as papers write it (sizes follow from the context; the plain form keeps them)
    if (c === 1) return { s: "𝟏", p: ATOM };
    if (r === 1) return { s: "𝟏ᵀ", p: POSTFIX };
    return { s: "𝟏𝟏ᵀ", p: POSTFIX }; // juxtaposes like 𝟏ᵀ: 𝟏𝟏ᵀY
  }

  protected zerosDoc(): Doc {
    return { s: "0", p: ATOM };
  }

  protected product(e: Expr): Doc {
    const parts = this.splitProduct(e);
    let coeff = "";
    const denom: string[] = [];
    if (parts.coeffDen === 1) coeff = parts.coeffNum === 1 ? "" : Q.format(Q.rat(parts.coeffNum));
    else {
      // a vulgar fraction only when nothing else is divided: ½x, but 1/(2l²) D2
      const v = parts.denom.length === 0 ? vulgarFraction(parts.coeffNum, parts.coeffDen) : undefined;
      if (v) coeff = v;
      else {
        coeff = parts.coeffNum === 1 ? "" : Q.format(Q.rat(parts.coeffNum));
        denom.push(String(parts.coeffDen));
      }
    }
    const numer = parts.numer.map((f) => this.wrap(this.doc(f), isScalarChain(f) ? ATOM : POWER));
    denom.push(...parts.denom.map((f) => this.wrap(this.doc(f), POWER)));
    // a numeric coefficient juxtaposes with the first scalar (½D), further scalars are spaced
    let scalarPart = numer.reduce((acc, t) => (acc === "" ? t : acc === coeff ? juxtapose(acc, t) : `${acc} ${t}`), coeff);
    if (denom.length > 0) {
      const d = denom.length === 1 ? denom[0]! : `(${joinFactors(denom)})`;
      scalarPart = `${scalarPart || "1"}/${d}`;
    }
    const chain = joinFactors(parts.chain.map((f) => this.wrap(this.doc(f), POWER)));
    const onlyCoeff = scalarPart === coeff && numer.length === 0;
    let s: string;
    if (scalarPart === "") s = chain;
    else if (chain === "") s = scalarPart;
    else s = onlyCoeff ? juxtapose(scalarPart, chain) : `${scalarPart} ${chain}`;
    const count = (coeff ? 1 : 0) + numer.length + denom.length + parts.chain.length;
    let doc: Doc = count <= 1 && denom.length === 0 ? this.doc((parts.numer[0] ?? parts.chain[0]) ?? e) : { s, p: PRODUCT };
    if (count <= 1 && coeff !== "") doc = { s, p: PRODUCT };
    if (s === "") doc = { s: "1", p: ATOM };
    return parts.negative ? { s: `−${this.wrap(doc, PRODUCT)}`, p: NEG } : doc;
  }

  protected transposeDoc(arg: Expr): Doc {
    if (arg.kind === "inv") return { s: `${this.wrap(this.doc(arg.args[0]!), ATOM)}⁻ᵀ`, p: POSTFIX };
    return { s: `${this.wrap(this.doc(arg), ATOM)}ᵀ`, p: POSTFIX };
  }

  protected inverse(arg: Expr): Doc {
    return { s: `${this.wrap(this.doc(arg), ATOM)}⁻¹`, p: POSTFIX };
  }

  protected power(e: Expr): Doc {
    const [base, k] = e.args as [Expr, Expr];
    if (k.kind === "num" && Q.isNegative(k.value) && base.shape[0] === 1) return this.product(e);
    if (base.kind === "inv" && k.kind === "num" && Q.isInteger(k.value)) {
      // (X⁻¹)² reads X⁻²
      return { s: `${this.wrap(this.doc(base.args[0]!), ATOM)}${superscript(String(-k.value.num))}`, p: POSTFIX };
    }
    const sup = k.kind === "num" && Q.isInteger(k.value) ? superscript(String(k.value.num)) : undefined;
    const b = this.wrap(this.doc(base), ATOM);
    if (sup) return { s: `${b}${sup}`, p: POSTFIX };
    return { s: `${b}^${this.wrap(this.doc(k), ATOM)}`, p: POWER };
  }

  protected hadamardOp(): string {
    return " ⊙ ";
  }

  protected hdivOp(): string {
    return " ⊘ ";
  }

  protected elementPower(a: Expr, b0: Expr): Doc {
    const b = stripBroadcast(b0);
    return { s: `${this.wrap(this.doc(a), POSTFIX)}.^${this.wrap(this.doc(b), ATOM)}`, p: POWER };
  }

  protected kronDoc(a: Expr, b: Expr): Doc {
    return { s: `${this.wrap(this.doc(a), POWER)} ⊗ ${this.wrap(this.doc(b), POWER)}`, p: PRODUCT };
  }

  protected call(e: Extract<Expr, { kind: "apply" }>): Doc {
    const arg = this.print(e.args[0]!);
    switch (e.fn) {
      case "det":
        return { s: `|${arg}|`, p: ATOM };
      case "logdet":
        return { s: `log|${arg}|`, p: ATOM };
      case "norm2":
        return { s: `‖${arg}‖`, p: ATOM };
      case "norm1":
        return { s: `‖${arg}‖₁`, p: ATOM };
      case "diagm":
      case "diagv":
        return { s: `diag(${arg})`, p: ATOM };
      case "logsumexp_cols":
        return { s: `logsumexp(${arg}, 1)`, p: ATOM };
      default:
        return { s: `${e.fn}(${e.args.map((a) => this.print(a)).join(", ")})`, p: ATOM };
    }
  }
}
