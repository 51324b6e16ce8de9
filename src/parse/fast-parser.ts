// A recursive-descent reading of grammar/matdiff.ne for input that parses: the common case, in
// linear time with a small constant. The nearley grammar stays the language's definition and its
// error reporter: whenever this reader meets anything it does not expect (a syntax error, a
// `|...|` group, whose ambiguity only the Earley parser can see, or nesting too deep for the
// stack), it gives up and the caller runs nearley on the same text, so every diagnostic, caret and
// expected-token list comes from the grammar. It builds its trees with the grammar's own builders
// (src/parse/surface.ts), and a test checks that both parsers give the same tree on every input
// of the test suite and on random expressions (test/parse/fast-parser.test.ts).
//
// Why: nearley's Earley parser spends about 6 µs a token on this grammar (a precedence ladder
// predicts every level at every token), most of the time of a 10,000-node problem.

import type { Token } from "./lexer.js";
import { Scanner } from "./scan.js";
import * as S from "./surface.js";
import type { SExpr, Statement } from "./surface.js";

/** Thrown inside the reader when the input is not the common case; never leaves this module. */
class GiveUp {}
const GIVE_UP = new GiveUp();

const QUERY_KEYWORDS = new Set(["kw_grad", "kw_jacobian", "kw_hessian", "kw_differential"]);
const ONE_DIM_TYPES = new Set(["kw_vector", "kw_symmetric", "kw_spd"]);
const PRODUCT_OPS = new Set(["*", "/", ".*", "⊙", "./", "⊗"]);
const POSTFIX_OPS = new Set(["'", "ᵀ", "⁻ᵀ"]);

// one scanner for every parse (over the one compiled moo lexer: compiling it is costly)
const lexer = new Scanner();

/**
 * Reads tokens as it goes, one ahead: tokens die young (a token array of the whole input would
 * keep all of them alive, and the garbage collector would copy each one twice). A token that only
 * nearley may read (an error, a bar) gives up when it is reached; a reading that succeeds has
 * reached every token, so it saw them all.
 */
class Reader {
  private next: Token | undefined;

  constructor(text: string) {
    lexer.reset(text);
    this.next = this.read();
  }

  private read(): Token | undefined {
    const t = lexer.next();
    if (t !== undefined && (t.type === "error" || (t.type === "op" && t.text === "|"))) throw GIVE_UP;
    return t;
  }

  private peek(): Token | undefined {
    return this.next;
  }

  /** Is the next token the operator (or separator) `text`? */
  private at(text: string): boolean {
    const t = this.next;
    return t !== undefined && (t.type === "op" || t.type === "nl") && t.text === text;
  }

  private take(): Token {
    const t = this.next;
    if (!t) throw GIVE_UP;
    this.next = this.read();
    return t;
  }

  private expect(text: string): Token {
    if (!this.at(text)) throw GIVE_UP;
    return this.take();
  }

  private expectType(test: (type: string) => boolean): Token {
    const t = this.peek();
    if (!t || !test(t.type)) throw GIVE_UP;
    return this.take();
  }

  private ident(): Token {
    return this.expectType((type) => type === "name" || type === "fn");
  }

  private atEnd(): boolean {
    return this.next === undefined;
  }

  // ---------------------------------------------------------------- problems

  program(): Statement[] {
    const out: Statement[] = [];
    this.separators();
    while (!this.atEnd()) {
      out.push(this.statement());
      if (this.atEnd()) break;
      if (!this.isSeparator()) throw GIVE_UP;
      this.separators();
    }
    return out;
  }

  private isSeparator(): boolean {
    const t = this.peek();
    return t !== undefined && (t.type === "nl" || (t.type === "op" && t.text === ";"));
  }

  private separators(): void {
    while (this.isSeparator()) this.take();
  }

  private statement(): Statement {
    const first = this.peek();
    if (!first) throw GIVE_UP;
    if (QUERY_KEYWORDS.has(first.type)) {
      const kw = this.take();
      const e = this.expr();
      this.expectType((type) => type === "kw_wrt");
      const wrt = [this.ident()];
      while (this.at(",")) {
        this.take();
        wrt.push(this.ident());
      }
      return S.mkQuery(kw, e, wrt);
    }
    const name = this.ident();
    if (this.at("=")) {
      this.take();
      return S.mkDef(name, this.expr());
    }
    let param: Token | null = null;
    if (this.at("(")) {
      this.take();
      param = this.ident();
      this.expect(")");
    }
    this.expect(":");
    const kw = this.take();
    if (kw.type === "kw_scalar" || kw.type === "kw_positive" || kw.type === "kw_integer") return S.mkDecl(name, param, kw, [], kw);
    if (ONE_DIM_TYPES.has(kw.type)) {
      this.expect("(");
      const d = this.dim();
      return S.mkDecl(name, param, kw, [d], this.expect(")"));
    }
    if (kw.type === "kw_simplex") {
      this.expect("(");
      const dims = [this.dim()];
      if (this.at(",")) {
        this.take();
        dims.push(this.dim());
      }
      return S.mkDecl(name, param, kw, dims, this.expect(")"));
    }
    if (kw.type === "kw_matrix") {
      this.expect("(");
      const a = this.dim();
      this.expect(",");
      const b = this.dim();
      return S.mkDecl(name, param, kw, [a, b], this.expect(")"));
    }
    throw GIVE_UP;
  }

  private dim(): S.DimLit {
    const atom = () => S.mkDim(this.expectType((type) => type === "name" || type === "fn" || type === "number"));
    let d = atom();
    while (this.at("*")) {
      this.take();
      d = S.mkDimProduct(d, atom());
    }
    return d;
  }

  // ---------------------------------------------------------------- expressions, loosest first

  expr(): SExpr {
    let left = this.frob();
    while (this.at("+") || this.at("-")) {
      const op = this.take();
      left = S.mkBinary(left, op, this.frob());
    }
    return left;
  }

  private frob(): SExpr {
    const left = this.product();
    if (!this.at(":")) return left;
    const op = this.take();
    return S.mkBinary(left, op, this.product());
  }

  private product(): SExpr {
    let left = this.unary();
    for (let t = this.peek(); t && t.type === "op" && PRODUCT_OPS.has(t.text); t = this.peek()) {
      this.take();
      left = S.mkBinary(left, t, this.unary());
    }
    return left;
  }

  private unary(): SExpr {
    if (this.at("-") || this.at("+")) {
      const op = this.take();
      return S.mkUnary(op, this.unary());
    }
    return this.power();
  }

  private power(): SExpr {
    const base = this.postfix();
    if (!this.at("^") && !this.at(".^")) return base;
    const op = this.take();
    return S.mkBinary(base, op, this.exponent());
  }

  private exponent(): SExpr {
    if (this.at("-") || this.at("+")) {
      const op = this.take();
      return S.mkUnary(op, this.exponent());
    }
    return this.power();
  }

  private postfix(): SExpr {
    let e = this.primary();
    for (let t = this.peek(); t && ((t.type === "op" && POSTFIX_OPS.has(t.text)) || t.type === "sup"); t = this.peek()) {
      this.take();
      e = t.type === "sup" ? S.mkSuperscript(e, t) : S.mkPostfix(e, t);
    }
    return e;
  }

  private primary(): SExpr {
    const t = this.take();
    switch (t.type) {
      case "number":
        return S.mkNum(t);
      case "fraction":
        return S.mkFraction(t);
      case "hole":
        return S.mkHole(t);
      case "name":
      case "fn": {
        if (!this.at("(")) return S.mkName(t);
        this.take();
        const args = [this.expr()];
        while (this.at(",")) {
          this.take();
          args.push(this.expr());
        }
        return S.mkCall(t, args, this.expect(")"));
      }
      case "op":
        if (t.text === "(") {
          const e = this.expr();
          return S.mkParen(t, e, this.expect(")"));
        }
        throw GIVE_UP;
      default:
        throw GIVE_UP;
    }
  }

  finish<T>(value: T): T {
    if (!this.atEnd()) throw GIVE_UP;
    return value;
  }
}

/**
 * The tree nearley would give for `text` read from `start`, or undefined where this reader does
 * not decide (then the caller asks nearley, which also reports any error).
 */
export function fastParse(start: "program" | "expr", text: string): Statement[] | SExpr | undefined {
  try {
    const reader = new Reader(text);
    return start === "program" ? reader.finish(reader.program()) : reader.finish(reader.expr());
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    if (e instanceof RangeError && /call stack/i.test(e.message)) return undefined;
    throw e;
  }
}
