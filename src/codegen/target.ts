// What a target language provides (expression syntax, the function around the statements) and
// the scheduling every target shares: which nodes become named statements, in what order.

import type { Dim, Shape } from "../expr/shape.js";
import type { Node } from "./ir.js";

export type Lang = "numpy" | "torch" | "jax" | "octave" | "ts";
export const LANGS: readonly Lang[] = ["numpy", "torch", "jax", "octave", "ts"];

/** Operator precedence levels shared by the targets (higher binds tighter). */
export const PREC = { ADD: 10, MUL: 20, UNARY: 30, POW: 40, POSTFIX: 50, ATOM: 60 } as const;

export interface Code {
  text: string;
  prec: number;
}

export const atom = (text: string): Code => ({ text, prec: PREC.ATOM });

/** The text of an operand, parenthesised when it binds looser than `min`. */
export function operand(c: Code, min: number): string {
  return c.prec >= min ? c.text : `(${c.text})`;
}

export type ArgKind = "scalar" | "vector" | "matrix";

export interface Param {
  /** The name in the generated code (the user's, unless it had to be renamed). */
  code: string;
  /** The name in the problem. */
  name: string;
  /** How the body refers to it after conversion (the same as `code` but in TypeScript). */
  ref: string;
  kind: ArgKind;
  shape: Shape;
  /** Per axis of the shape: a dimension bound here from the argument, or checked against. */
  axes: Array<{ dim: Dim; bind: boolean }>;
}

export interface Output {
  /** Name in the code (value, grad_X, hess_x, hvp_X). */
  code: string;
  node: Node;
  /** A vector gradient takes the shape of this argument (1-D stays 1-D). */
  shapeOf?: Param;
}

export interface Statement {
  name: string;
  node: Node;
  code: Code;
}

export interface FunctionParts {
  name: string;
  header: string[];
  params: Param[];
  statements: Statement[];
  outputs: Array<{ code: string; text: Code; shapeOf?: Param; node: Node }>;
  /** How the code writes each dimension (a bound local, a literal, a product of them). */
  dim: (d: Dim) => string;
}

export interface Target {
  lang: Lang;
  /** Line comment prefix. */
  comment: string;
  /** Words a name in the code must not be (keywords, and the names the code itself uses). */
  reserved: ReadonlySet<string>;
  /** The expression for a node from its operands' code. `names` gives a statement's name. */
  expr(n: Node, args: readonly Code[], dim: (d: Dim) => string): Code;
  /** Operations whose operands this target must name (it writes an operand more than once). */
  needsNamedOperands?(n: Node): boolean;
  /** How the body refers to a parameter (TypeScript converts `X` into `X_`); by default its name. */
  paramRef?(code: string): string;
  /** A statement; by default `name = code`. */
  statement?(name: string, n: Node, code: Code, args: readonly Code[]): string;
  render(parts: FunctionParts): string;
}

/** Statement name hints: factors after their matrix, definitions by their own name. */
export function nodeHint(n: Node, nameOf: (n: Node) => string | undefined): string | undefined {
  const op = n.op;
  if (op.op === "named") return op.name;
  if (op.op === "chol" || op.op === "lu") {
    const base = nameOf(n.args[0]!);
    return base ? `${base}_${op.op}` : op.op;
  }
  if (op.op === "inverse") {
    const base = nameOf(n.args[0]!.args[0]!);
    return base ? `${base}_inv` : undefined;
  }
  return undefined;
}

export function binary(a: Code, op: string, b: Code, prec: number): Code {
  return { text: `${operand(a, prec)} ${op} ${operand(b, prec + 1)}`, prec };
}

/** A number literal (a negative one binds as a unary minus). */
export function numberCode(value: number, text = String(value)): Code {
  return { text, prec: value < 0 ? PREC.UNARY : PREC.ATOM };
}

/** The operator spellings of a target with infix matrix arithmetic (Python, Octave). */
export interface InfixSymbols {
  emul: string;
  ediv: string;
  matmul: string;
  epow: string;
}

/** + − unary − and the elementwise and matrix products, or undefined for any other operation. */
export function infixArithmetic(n: Node, a: Code, b: Code, s: InfixSymbols): Code | undefined {
  switch (n.op.op) {
    case "add":
      return binary(a, "+", b, PREC.ADD);
    case "sub":
      return binary(a, "-", b, PREC.ADD);
    case "neg":
      return { text: `-${operand(a, PREC.POW)}`, prec: PREC.UNARY };
    case "emul":
      return binary(a, s.emul, b, PREC.MUL);
    case "ediv":
      return binary(a, s.ediv, b, PREC.MUL);
    case "matmul":
      return binary(a, s.matmul, b, PREC.MUL);
    case "epow":
      return { text: `${operand(a, PREC.POSTFIX)} ${s.epow} ${operand(b, PREC.POSTFIX)}`, prec: PREC.POW };
    default:
      return undefined;
  }
}
