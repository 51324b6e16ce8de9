import type { Expr } from "../expr/expr.js";
import { LatexPrinter } from "./latex.js";
import { PlainPrinter } from "./plain.js";
import type { FormName, Printer } from "./printer.js";
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
