// The surface tree: what the user typed, with source spans for error messages.
// The grammar's postprocessors call only the typed builders below, so the generated parser's
// `any` stays at its edge.

import { parseDecimal, rat, type Rational } from "../expr/rational.js";
import type { Token } from "./lexer.js";

export interface Span {
  start: number;
  end: number;
  line: number;
  col: number;
}

export type BinOp = "+" | "-" | "*" | "/" | ".*" | "./" | ".^" | "^" | ":" | "⊗";

export type SExpr =
  | { type: "num"; value: Rational; text: string; span: Span }
  | { type: "name"; name: string; span: Span }
  | { type: "hole"; name: string; span: Span }
  | { type: "call"; fn: string; fnSpan: Span; args: SExpr[]; span: Span }
  | { type: "bars"; arg: SExpr; span: Span }
  | { type: "unary"; op: "-" | "+"; arg: SExpr; span: Span }
  | { type: "binary"; op: BinOp; left: SExpr; right: SExpr; opSpan: Span; span: Span }
  | { type: "postfix"; op: "'" | "⁻¹"; arg: SExpr; span: Span };

/**
 * `positive` is a scalar known to be > 0 (the check draws it positive); `integer` a scalar known
 * to be a whole number, for symbolic powers tr(X^k) (the check draws it from 1 to 4).
 */
export type TypeKind = "scalar" | "positive" | "integer" | "vector" | "matrix" | "symmetric" | "spd" | "simplex";

export interface DimLit {
  text: string;
  span: Span;
}

export interface Ident {
  name: string;
  span: Span;
}

export type QueryKind = "grad" | "jacobian" | "hessian" | "differential";

export type Statement =
  | { type: "decl"; name: Ident; param?: Ident; typeKind: TypeKind; dims: DimLit[]; span: Span }
  | { type: "def"; name: Ident; expr: SExpr; span: Span }
  | { type: "query"; kind: QueryKind; expr: SExpr; wrt: Ident[]; span: Span };

export function tokSpan(t: Token): Span {
  return { start: t.offset, end: t.offset + t.text.length, line: t.line, col: t.col };
}

export function join(a: Span, b: Span): Span {
  return { start: a.start, end: b.end, line: a.line, col: a.col };
}

// ---------------------------------------------------------------- builders for the grammar

export function mkNum(t: Token): SExpr {
  return { type: "num", value: parseDecimal(t.text), text: t.text, span: tokSpan(t) };
}

const FRACTIONS: Record<string, [number, number]> = { "½": [1, 2], "⅓": [1, 3], "⅔": [2, 3], "¼": [1, 4], "¾": [3, 4], "⅕": [1, 5], "⅙": [1, 6], "⅛": [1, 8] };

/** ½, ⅓, ...: the vulgar fractions unicode answers print. */
export function mkFraction(t: Token): SExpr {
  const [n, d] = FRACTIONS[t.text]!;
  return { type: "num", value: rat(n, d), text: t.text, span: tokSpan(t) };
}

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** x² is x^2, X⁻² is X^-2, and X⁻¹ the inverse, as unicode answers print them. */
export function mkSuperscript(arg: SExpr, t: Token): SExpr {
  if (t.text === "⁻¹") return mkPostfix(arg, t);
  const negative = t.text.startsWith("⁻");
  const k = Number([...t.text.slice(negative ? 1 : 0)].map((c) => SUPERSCRIPT_DIGITS.indexOf(c)).join(""));
  const span = tokSpan(t);
  const exponent: SExpr = { type: "num", value: rat(negative ? -k : k), text: t.text, span };
  return { type: "binary", op: "^", left: arg, right: exponent, opSpan: span, span: join(arg.span, span) };
}

export function mkName(t: Token): SExpr {
  return { type: "name", name: t.text, span: tokSpan(t) };
}

export function mkHole(t: Token): SExpr {
  return { type: "hole", name: t.text.slice(1), span: tokSpan(t) };
}

export function mkCall(fn: Token, args: SExpr[], close: Token): SExpr {
  return { type: "call", fn: fn.text, fnSpan: tokSpan(fn), args, span: join(tokSpan(fn), tokSpan(close)) };
}

export function mkBars(open: Token, arg: SExpr, close: Token): SExpr {
  return { type: "bars", arg, span: join(tokSpan(open), tokSpan(close)) };
}

/** `ln|K|`: a function applied to a |...| group, as written in papers. */
export function mkBarCall(fn: Token, open: Token, arg: SExpr, close: Token): SExpr {
  const bars = mkBars(open, arg, close);
  return { type: "call", fn: fn.text, fnSpan: tokSpan(fn), args: [bars], span: join(tokSpan(fn), tokSpan(close)) };
}

export function mkParen(open: Token, e: SExpr, close: Token): SExpr {
  // Keep the inner node (parentheses carry no meaning) but widen its span for carets.
  return { ...e, span: join(tokSpan(open), tokSpan(close)) };
}

export function mkUnary(op: Token, arg: SExpr): SExpr {
  return { type: "unary", op: op.text as "-" | "+", arg, span: join(tokSpan(op), arg.span) };
}

export function mkBinary(left: SExpr, op: Token, right: SExpr): SExpr {
  const o = (op.text === "⊙" ? ".*" : op.text) as BinOp;
  return { type: "binary", op: o, left, right, opSpan: tokSpan(op), span: join(left.span, right.span) };
}

export function mkPostfix(arg: SExpr, op: Token): SExpr {
  const span = join(arg.span, tokSpan(op));
  // X⁻ᵀ is (X⁻¹)ᵀ
  if (op.text === "⁻ᵀ") return { type: "postfix", op: "'", arg: { type: "postfix", op: "⁻¹", arg, span }, span };
  const o = op.text === "⁻¹" ? "⁻¹" : "'";
  return { type: "postfix", op: o, arg, span };
}

export function mkIdent(t: Token): Ident {
  return { name: t.text, span: tokSpan(t) };
}

export function mkDim(t: Token): DimLit {
  return { text: t.text, span: tokSpan(t) };
}

/** n*m as a dimension: its text is the factors joined by '*' (white space dropped). */
export function mkDimProduct(a: DimLit, b: DimLit): DimLit {
  return { text: `${a.text}*${b.text}`, span: join(a.span, b.span) };
}

export function mkDecl(name: Token, param: Token | null, typeTok: Token, dims: DimLit[], last: Token): Statement {
  return {
    type: "decl",
    name: mkIdent(name),
    ...(param ? { param: mkIdent(param) } : {}),
    typeKind: typeTok.text as TypeKind,
    dims,
    span: join(tokSpan(name), tokSpan(last)),
  };
}

export function mkDef(name: Token, expr: SExpr): Statement {
  return { type: "def", name: mkIdent(name), expr, span: join(tokSpan(name), expr.span) };
}

export function mkQuery(kw: Token, expr: SExpr, wrt: Token[]): Statement {
  const last = wrt[wrt.length - 1]!;
  return {
    type: "query",
    kind: kw.text as QueryKind,
    expr,
    wrt: wrt.map(mkIdent),
    span: join(tokSpan(kw), tokSpan(last)),
  };
}
