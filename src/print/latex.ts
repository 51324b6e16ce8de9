// The LaTeX form: compiles in a standard math environment (checked with KaTeX in the tests).

import type { Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import { latexName } from "./names.js";
import { ATOM, NEG, POSTFIX, POWER, PRODUCT, Printer, isScalarChain, stripBroadcast, type Doc } from "./printer.js";

const NAMED: Partial<Record<string, string>> = {
  exp: "\\exp",
  log: "\\log",
  sin: "\\sin",
  cos: "\\cos",
  tan: "\\tan",
  tanh: "\\tanh",
};

export class LatexPrinter extends Printer {
  readonly form = "latex" as const;

  protected override parens(s: string): string {
    return `\\left(${s}\\right)`;
  }

  protected number(r: Q.Rational): Doc {
    const n = Math.abs(r.num);
    const body: Doc = r.den === 1 ? { s: Q.format(Q.rat(n)), p: ATOM } : { s: `\\frac{${n}}{${r.den}}`, p: ATOM };
    return Q.isNegative(r) ? { s: `-${body.s}`, p: NEG } : body;
  }

  protected name(n: string): string {
    return latexName(n);
  }

  protected override constant(n: string): string {
    return n === "pi" ? "\\pi" : latexName(n);
  }

  protected partialDoc(name: string, param: string, index?: string): Doc {
    const sub = index ? `_{${latexName(index)}}` : "";
    return { s: `\\frac{\\partial ${latexName(name)}}{\\partial ${latexName(param)}${sub}}`, p: ATOM };
  }

  protected differential(n: string): Doc {
    const component = /^(.*)\[(.*)\]$/.exec(n); // dθ_k of a vector parameter
    if (component) return { s: `\\mathrm{d}${latexName(component[1]!)}_{${latexName(component[2]!)}}`, p: ATOM };
    return { s: `\\mathrm{d}${latexName(n)}`, p: ATOM };
  }

  protected override readonly writesOnes = true;

  protected identity(): Doc {
    return { s: "I", p: ATOM };
  }

  protected onesDoc(e: Expr): Doc {
    const [r, c] = e.shape;
    if (c === 1) return { s: `\\mathbf{1}_{${r}}`, p: ATOM };
    if (r === 1) return { s: `\\mathbf{1}_{${c}}^\\top`, p: POSTFIX };
    return { s: `\\mathbf{1}_{${r}\\times ${c}}`, p: ATOM };
  }

  protected zerosDoc(): Doc {
    return { s: "0", p: ATOM };
  }

  protected product(e: Expr): Doc {
    const parts = this.splitProduct(e);
    const numer = [
      ...(parts.coeffNum !== 1 ? [Q.format(Q.rat(parts.coeffNum))] : []),
      ...parts.numer.map((f) => this.wrap(this.doc(f), isScalarChain(f) ? ATOM : POWER)),
    ];
    const denom = [
      ...(parts.coeffDen !== 1 ? [String(parts.coeffDen)] : []),
      ...parts.denom.map((f) => this.wrap(this.doc(f), POWER)),
    ];
    let head = numer.join(" ");
    if (denom.length > 0) head = `\\frac{${head || "1"}}{${denom.join(" ")}}`;
    const pieces = [head, ...parts.chain.map((f) => this.wrap(this.doc(f), POWER))].filter((x) => x !== "");
    const s = pieces.join(" ") || "1";
    const count = numer.length + denom.length + parts.chain.length;
    const doc: Doc = count === 1 && denom.length === 0 && parts.coeffNum === 1 ? this.doc((parts.numer[0] ?? parts.chain[0])!) : { s, p: PRODUCT };
    return parts.negative ? { s: `-${this.wrap(doc, PRODUCT)}`, p: NEG } : doc;
  }

  protected transposeDoc(arg: Expr): Doc {
    if (arg.kind === "inv") return { s: `${this.wrap(this.doc(arg.args[0]!), ATOM)}^{-\\top}`, p: POSTFIX };
    return { s: `${this.wrap(this.doc(arg), ATOM)}^\\top`, p: POSTFIX };
  }

  protected inverse(arg: Expr): Doc {
    return { s: `${this.wrap(this.doc(arg), ATOM)}^{-1}`, p: POSTFIX };
  }

  protected power(e: Expr): Doc {
    const [base, k] = e.args as [Expr, Expr];
    if (k.kind === "num" && Q.isNegative(k.value) && base.shape[0] === 1) return this.product(e);
    if (base.kind === "inv" && k.kind === "num") {
      return { s: `${this.wrap(this.doc(base.args[0]!), ATOM)}^{-${this.print(k)}}`, p: POSTFIX };
    }
    return { s: `${this.wrap(this.doc(base), ATOM)}^{${this.print(k)}}`, p: POWER };
  }

  protected hadamardOp(): string {
    return " \\odot ";
  }

  protected hdivOp(): string {
    return " \\oslash ";
  }

  protected elementPower(a: Expr, b0: Expr): Doc {
    const b = stripBroadcast(b0);
    return { s: `${this.wrap(this.doc(a), ATOM)}^{\\circ ${this.print(b)}}`, p: POWER };
  }

  protected kronDoc(a: Expr, b: Expr): Doc {
    return { s: `${this.wrap(this.doc(a), POWER)} \\otimes ${this.wrap(this.doc(b), POWER)}`, p: PRODUCT };
  }

  protected call(e: Extract<Expr, { kind: "apply" }>): Doc {
    const arg = this.print(e.args[0]!);
    switch (e.fn) {
      case "det":
        return { s: `\\left\\lvert ${arg}\\right\\rvert`, p: ATOM };
      case "logdet":
        return { s: `\\log\\left\\lvert ${arg}\\right\\rvert`, p: ATOM };
      case "abs":
        return { s: `\\left\\lvert ${arg}\\right\\rvert`, p: ATOM };
      case "norm2":
        return { s: `\\left\\lVert ${arg}\\right\\rVert`, p: ATOM };
      case "norm1":
        return { s: `\\left\\lVert ${arg}\\right\\rVert_1`, p: ATOM };
      case "sqrt":
        return { s: `\\sqrt{${arg}}`, p: ATOM };
      case "diagm":
      case "diagv":
        return { s: `\\operatorname{diag}\\left(${arg}\\right)`, p: ATOM };
      case "logsumexp_cols":
        return { s: `\\operatorname{logsumexp}_1\\left(${arg}\\right)`, p: ATOM };
      case "commutation":
        // the commutation matrix as Magnus & Neudecker write it
        return { s: `\\mathbf{K}_{${e.args.map((a) => this.print(a)).join(", ")}}`, p: ATOM };
      default: {
        const head = NAMED[e.fn] ?? `\\operatorname{${e.fn}}`;
        return { s: `${head}\\left(${e.args.map((a) => this.print(a)).join(", ")}\\right)`, p: ATOM };
      }
    }
  }
}
