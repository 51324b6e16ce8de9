// Rendering answers: terminal text in each form, and the JSON objects of `batch` and --format json.

import type { QueryAnswer } from "../engine.js";
import type { Expr } from "../expr/expr.js";
import type { QueryKind } from "../parse/surface.js";
import { stepsToJson, stepsToLatex, stepsToText } from "./steps-format.js";
import type { CheckResult } from "../evaluate/check.js";
import { describeKinds } from "../evaluate/domain.js";
import { printExpr, type FormName } from "../print/index.js";
import { latexName } from "../print/names.js";

export type OutputForm = FormName | "json";

export interface JsonResult {
  wrt: string;
  shape: [string, string];
  plain: string;
  unicode: string;
  latex: string;
  /** Hessian of a matrix variable: d(∇f) as a linear expression in dX, in plain form. */
  gradient_differential?: string;
  /** For a vector parameter reached through NAME(θ): the answer is component `component` (k). */
  component?: string;
  /** With --steps / "steps": true: the derivation, line by line. */
  steps?: unknown[];
}

export interface JsonCheck {
  ok: boolean;
  inconclusive: boolean;
  points: number;
  /** Points skipped because the differences were too uncertain to judge. */
  untrusted: number;
  /** The kinds of the points judged ("around 1", "negative", "small", "large", "mixed"). */
  kinds: string[];
  max_rel_error: number;
  errors: Record<string, number>;
  dims: Record<string, number>;
}

export function resultsToJson(a: QueryAnswer): JsonResult[] {
  return a.results.map((r) => ({
    wrt: r.wrt.name,
    shape: [String(r.value.shape[0]), String(r.value.shape[1])],
    plain: printExpr(r.value, "plain"),
    unicode: printExpr(r.value, "unicode"),
    latex: printExpr(r.value, "latex"),
    ...(r.gradientDifferential ? { gradient_differential: printExpr(r.gradientDifferential, "plain") } : {}),
    ...(r.component ? { component: r.component } : {}),
    ...(r.steps ? { steps: stepsToJson(r.steps) } : {}),
  }));
}

export function checkToJson(c: CheckResult): JsonCheck {
  return { ok: c.ok, inconclusive: c.inconclusive, points: c.points, untrusted: c.untrusted, kinds: c.kinds, max_rel_error: c.maxRelError, errors: c.errors, dims: c.dims };
}

export function answerToJson(a: QueryAnswer): Record<string, unknown> {
  const out: Record<string, unknown> = {
    query: a.query.kind,
    expr: a.query.text,
    results: resultsToJson(a),
    definitions: a.definitions.map(([n, e]) => [n, printExpr(e, "plain")]),
  };
  if (a.check) out.check = checkToJson(a.check);
  return out;
}

/**
 * The left-hand side for an answer through NAME(θ) of a vector θ, written for component k: the
 * gradient's entry k, the Jacobian's column k, the k-th term of the differential's sum.
 */
function componentLabel(kind: QueryKind, theta: string, k: string, form: FormName): string {
  const tex = latexName(theta);
  switch (form) {
    case "unicode":
      return { grad: `∂f/∂${theta}_${k} = `, jacobian: `J_${theta}[:, ${k}] = `, hessian: `H_${theta} = `, differential: `df = Σ_${k} ` }[kind];
    case "latex":
      return {
        grad: `\\frac{\\partial f}{\\partial ${tex}_{${k}}} = `,
        jacobian: `J_{${tex}}[:, ${k}] = `,
        hessian: `H_{${tex}} = `,
        differential: `\\mathrm{d}f = \\sum_{${k}} `,
      }[kind];
    case "plain":
      return { grad: `${theta}_${k}: `, jacobian: `${theta}[:, ${k}]: `, hessian: `${theta}: `, differential: `sum over ${k}: ` }[kind];
  }
}

/** What the left-hand side of an answer line says, per query kind and form. */
function label(kind: QueryKind, name: string, form: FormName): string {
  const tex = latexName(name);
  switch (form) {
    case "unicode":
      return { grad: `∂f/∂${name} = `, jacobian: `J_${name} = `, hessian: `H_${name} = `, differential: `df = ` }[kind];
    case "latex":
      return {
        grad: `\\frac{\\partial f}{\\partial ${tex}} = `,
        jacobian: `J_{${tex}} = `,
        hessian: `H_{${tex}} = `,
        differential: `\\mathrm{d}f = `,
      }[kind];
    case "plain":
      return `${name}: `;
  }
}

/** Terminal text for one answer: one line per variable (plain alone for a single variable). */
export function answerToText(a: QueryAnswer, form: FormName): string {
  const lines = a.results.map((r) => {
    if (r.steps) return form === "latex" ? stepsToLatex(r.steps) : stepsToText(r.steps, form);
    const body = printExpr(r.value, form);
    const name = r.component ? `${r.wrt.name}_${r.component}` : r.wrt.name;
    const line = form === "plain" && a.results.length === 1 && !r.component ? body : `${r.component ? componentLabel(a.query.kind, r.wrt.name, r.component, form) : label(a.query.kind, name, form)}${body}`;
    if (!r.gradientDifferential) return line;
    const dg = printExpr(r.gradientDifferential, form);
    const lhs = { unicode: "d(∇f) = ", plain: "d(grad): ", latex: "\\mathrm{d}(\\nabla f) = " }[form];
    return `${line}\n${lhs}${dg}`;
  });
  for (const [name, body] of a.definitions) lines.push(definitionLine(name, body, form));
  if (a.check) lines.push(checkToText(a.check));
  return lines.join("\n");
}

/** An engine-named subexpression: `where C = ...` (plain: a definition statement). */
function definitionLine(name: string, body: Expr, form: FormName): string {
  const text = printExpr(body, form);
  switch (form) {
    case "unicode":
      return `  where ${name} = ${text}`;
    case "latex":
      return `\\text{where } ${latexName(name)} = ${text}`;
    case "plain":
      return `${name} = ${text}`;
  }
}

export function checkToText(c: CheckResult): string {
  const err = c.maxRelError.toExponential(1);
  const untrusted = c.untrusted > 0 ? `; ${c.untrusted} more point${c.untrusted === 1 ? "" : "s"} skipped where the differences were too uncertain to judge` : "";
  if (c.inconclusive) {
    return c.untrusted > 0
      ? `check: inconclusive: finite differences were too uncertain to judge at every point (${c.untrusted} tried)`
      : "check: inconclusive: no random point in the function's domain was found";
  }
  if (c.ok) return `check: passed: agrees with finite differences at ${describeKinds(c.kinds)} (max relative error ${err})${untrusted}`;
  const sizes = Object.entries(c.dims).map(([k, v]) => `${k}=${v}`).join(", ");
  return `check: FAILED: differs from finite differences (relative error ${err}${sizes ? ` with ${sizes}` : ""})`;
}
