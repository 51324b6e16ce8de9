// The plain form: matdiff's own input syntax, ASCII operators. It parses back to an equal
// expression under the same declarations, and numpy-based tools (corpus_check.py) read it.

import type { Expr } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import { ATOM, NEG, POSTFIX, POWER, PRODUCT, Printer, isScalarChain, stripBroadcast, type Doc } from "./printer.js";

export class PlainPrinter extends Printer {
  readonly form = "plain" as const;

  protected number(r: Q.Rational): Doc {
    const a = Q.format({ num: Math.abs(r.num), den: r.den });
    const body: Doc = { s: a, p: r.den === 1 && !a.includes("e") ? ATOM : PRODUCT };
    return Q.isNegative(r) ? { s: `-${body.s}`, p: NEG } : body;
  }

  protected name(n: string): string {
    return n;
  }

  protected partialDoc(name: string, param: string, index?: string): Doc {
    return { s: `partial(${name}, ${param}${index ? `, ${index}` : ""})`, p: ATOM };
  }

  protected differential(n: string): Doc {
    // the component dθ_k of a vector parameter is named theta[k] inside the engine
    const component = /^(.*)\[(.*)\]$/.exec(n);
    return { s: component ? `d(${component[1]}, ${component[2]})` : `d(${n})`, p: ATOM };
  }

  protected identity(e: Expr): Doc {
    return { s: `eye(${e.shape[0]})`, p: ATOM };
  }

  protected onesDoc(e: Expr): Doc {
    const [r, c] = e.shape;
    if (c === 1) return { s: `ones(${r})`, p: ATOM };
    if (r === 1) return { s: `ones(${c})'`, p: POSTFIX };
    return { s: `ones(${r}, ${c})`, p: ATOM };
  }

  protected zerosDoc(e: Expr): Doc {
    const [r, c] = e.shape;
    return { s: c === 1 ? `zeros(${r})` : `zeros(${r}, ${c})`, p: ATOM };
  }

  protected product(e: Expr): Doc {
    const parts = this.splitProduct(e);
    const coeff = Q.rat(parts.coeffNum, parts.coeffDen);
    const numer = parts.numer.map((f) => this.wrap(this.doc(f), isScalarChain(f) ? ATOM : POWER));
    const denom = parts.denom.map((f) => this.wrap(this.doc(f), POWER));
    const chain = parts.chain.map((f) => this.wrap(this.doc(f), POWER));
    let pieces: string[];
    if (denom.length === 0) {
      // users write 1/2*logdet(S): a fractional coefficient leads, as typed
      pieces = [...(Q.isOne(coeff) ? [] : [Q.format(coeff)]), ...numer, ...chain];
    } else {
      const top = [...(parts.coeffNum !== 1 ? [Q.format(Q.rat(parts.coeffNum))] : []), ...numer].join("*") || "1";
      const bottom = [...(parts.coeffDen !== 1 ? [String(parts.coeffDen)] : []), ...denom];
      pieces = [`${top}/${bottom.length === 1 ? bottom[0] : `(${bottom.join("*")})`}`, ...chain];
    }
    let doc: Doc;
    if (pieces.length === 0) doc = { s: "1", p: ATOM };
    else if (pieces.length === 1 && Q.isOne(coeff) && denom.length === 0) doc = this.doc((parts.numer[0] ?? parts.chain[0])!);
    else doc = { s: pieces.join("*"), p: PRODUCT };
    return parts.negative ? { s: `-${this.wrap(doc, PRODUCT)}`, p: NEG } : doc;
  }

  protected transposeDoc(arg: Expr): Doc {
    return { s: `${this.wrap(this.doc(arg), POSTFIX)}'`, p: POSTFIX };
  }

  protected inverse(arg: Expr): Doc {
    return { s: `inv(${this.print(arg)})`, p: ATOM };
  }

  protected power(e: Expr): Doc {
    const [base, k] = e.args as [Expr, Expr];
    if (k.kind === "num" && Q.isNegative(k.value) && base.shape[0] === 1) return this.product(e);
    const exp = k.kind === "num" && Q.isInteger(k.value) ? String(k.value.num) : this.wrap(this.doc(k), ATOM);
    return { s: `${this.wrap(this.doc(base), POSTFIX)}^${exp}`, p: POWER };
  }

  protected hadamardOp(): string {
    return ".*";
  }

  protected hdivOp(): string {
    return "./";
  }

  protected elementPower(a: Expr, b0: Expr): Doc {
    const b = stripBroadcast(b0);
    return { s: `${this.wrap(this.doc(a), POSTFIX)}.^${this.wrap(this.doc(b), ATOM)}`, p: POWER };
  }

  protected kronDoc(a: Expr, b: Expr): Doc {
    return { s: `kron(${this.print(a)}, ${this.print(b)})`, p: ATOM };
  }

  protected call(e: Extract<Expr, { kind: "apply" }>): Doc {
    if (e.fn === "logsumexp_cols") return { s: `logsumexp(${this.print(e.args[0]!)}, 1)`, p: ATOM };
    const fn = e.fn === "diagm" || e.fn === "diagv" ? "diag" : e.fn;
    return { s: `${fn}(${e.args.map((a) => this.print(a)).join(", ")})`, p: ATOM };
  }
}
