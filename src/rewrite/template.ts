// Rule templates: right-hand sides of identities written in the user's own syntax with `?X`
// holes, e.g. `-inv(?X)*d(?X)*inv(?X)`. A template is parsed once and instantiated by binding
// holes to expressions; `d(?X)` asks the caller for the differential of what ?X is bound to.
// Shapes come from the bound expressions, so a template needs no declarations.

import { dimValue, eye, inv, neg, numeric, ones, transpose } from "../expr/build.js";
import type { Expr } from "../expr/expr.js";
import { BINARY_BUILDERS } from "../expr/ops.js";
import { parseExpression } from "../parse/parser.js";
import { FUNCTIONS } from "../parse/functions.js";
import type { SExpr } from "../parse/surface.js";
import { renderDiagnostic } from "../diagnostics/render.js";

export interface Bindings {
  holes: ReadonlyMap<string, Expr>;
  /** The differential of a bound expression (for `d(?X)`). */
  d?: (e: Expr) => Expr;
}

export type Template = (b: Bindings) => Expr;

export function compileTemplate(text: string): Template {
  const parsed = parseExpression(text, { name: "rule template", text });
  if (!parsed.ok) throw new Error(`internal: bad rule template\n${renderDiagnostic(parsed.error)}`);
  const tree = parsed.value;
  return (b) => build(tree, b);
}

function hole(name: string, b: Bindings): Expr {
  const e = b.holes.get(name);
  if (!e) throw new Error(`internal: unbound hole ?${name}`);
  return e;
}

function build(e: SExpr, b: Bindings): Expr {
  switch (e.type) {
    case "num":
      return numeric(e.value);
    case "hole":
      return hole(e.name, b);
    case "name":
      throw new Error(`internal: a rule template may not name '${e.name}'; use holes`);
    case "bars":
      throw new Error("internal: write det()/abs() in rule templates");
    case "unary":
      return e.op === "-" ? neg(build(e.arg, b)) : build(e.arg, b);
    case "postfix":
      return e.op === "'" ? transpose(build(e.arg, b)) : inv(build(e.arg, b));
    case "binary":
      return BINARY_BUILDERS[e.op](build(e.left, b), build(e.right, b));
    case "call": {
      if (e.fn === "d") {
        if (!b.d) throw new Error("internal: d() in a template instantiated without a differential");
        return b.d(build(e.args[0]!, b));
      }
      // eye_like(?X): the identity of ?X's row count; rows(?X): that count as a scalar;
      // ones_like(?X): the all-ones array of ?X's shape
      if (e.fn === "eye_like") return eye(build(e.args[0]!, b).shape[0]);
      if (e.fn === "rows") return dimValue(build(e.args[0]!, b).shape[0]);
      if (e.fn === "ones_like") return ones(build(e.args[0]!, b).shape);
      // eye(3), ones(2), ones(3, 4) with literal sizes, for the tables' numeric samples
      if (e.fn === "eye" || e.fn === "ones") {
        const dims = e.args.map((a) => (a.type === "num" ? a.value.num : NaN));
        if (dims.some((d) => !Number.isInteger(d))) throw new Error(`internal: ${e.fn} in a template takes literal sizes`);
        return e.fn === "eye" ? eye(dims[0]!) : ones([dims[0]!, dims[1] ?? 1]);
      }
      const spec = FUNCTIONS.get(e.fn);
      if (!spec) throw new Error(`internal: unknown function ${e.fn} in a rule template`);
      return spec.build(e.args.map((a) => build(a, b)));
    }
  }
}
