import type { Expr } from "../expr/expr.js";
import { LatexPrinter } from "./latex.js";
import { PlainPrinter } from "./plain.js";
import { SUM, type FormName, type Printer } from "./printer.js";
import { UnicodePrinter } from "./unicode.js";

export type { FormName } from "./printer.js";

const printers: Record<FormName, Printer> = {
  plain: new PlainPrinter(),
  unicode: new UnicodePrinter(),
  latex: new LatexPrinter(),
};

export function printExpr(e: Expr, form: FormName): string {
  return printers[form].print(e);
}

/** The printed text and whether it is a sum at its top (so that an operand needs parentheses). */
export function printOperand(e: Expr, form: FormName): { text: string; isSum: boolean } {
  const d = printers[form].doc(e);
  return { text: d.s, isSum: d.p <= SUM };
}
