// Rendering a derivation (src/calculus/steps.ts): aligned lines for the terminal, an align
// environment for LaTeX, objects for JSON. Each line ends with the ids of the identities it used;
// a legend after the derivation states each identity once, with its source.

import type { Expr } from "../expr/expr.js";
import { describeRule, type Step, type StepLhs, type StepRhs } from "../calculus/steps.js";
import { printExpr, printOperand, type FormName } from "../print/index.js";
import { latexName } from "../print/names.js";

function lhsText(l: StepLhs, form: FormName): string {
  switch (l.kind) {
    case "value":
      return form === "latex" ? latexName(l.name) : l.name;
    case "differential":
      return form === "latex" ? `\\mathrm{d}${latexName(l.name)}` : form === "plain" ? `d(${l.name})` : `d${l.name}`;
    case "gradient":
      if (form === "latex") return `\\frac{\\partial ${latexName(l.of)}}{\\partial ${latexName(l.wrt)}}`;
      return form === "plain" ? `grad(${l.of}, ${l.wrt})` : `∂${l.of}/∂${l.wrt}`;
    case "gradientDifferential":
      return { unicode: "d(∇f)", plain: "d(grad)", latex: "\\mathrm{d}(\\nabla f)" }[form];
    case "jacobian":
      return form === "latex" ? `J_{${latexName(l.wrt)}}` : `J_${l.wrt}`;
    case "hessian":
      return form === "latex" ? `H_{${latexName(l.wrt)}}` : `H_${l.wrt}`;
    case "continued":
      return "";
  }
}

/** An operand of ':' (which binds looser than products): parenthesised only if it prints as a sum. */
function operand(e: Expr, form: FormName): string {
  const { text, isSum } = printOperand(e, form);
  if (!isSum) return text;
  return form === "latex" ? `\\left(${text}\\right)` : `(${text})`;
}

function rhsText(r: StepRhs, form: FormName): string {
  if (r.kind === "expr") return printExpr(r.e, form);
  if (r.pairs.length === 0) return "0";
  return r.pairs.map(([G, d]) => `${operand(G, form)} : ${operand(d, form)}`).join(" + ");
}

function usedRules(steps: readonly Step[]): string[] {
  const seen: string[] = [];
  for (const s of steps) for (const r of s.rules) if (!seen.includes(r)) seen.push(r);
  return seen;
}

/** Terminal text (unicode or plain): aligned equalities, rule ids, then the legend. */
export function stepsToText(steps: readonly Step[], form: "unicode" | "plain"): string {
  const lhs = steps.map((s) => lhsText(s.lhs, form));
  const width = Math.max(...lhs.map((l) => [...l].length));
  const lines = steps.map((s, i) => {
    const pad = " ".repeat(width - [...lhs[i]!].length);
    const rules = s.rules.length ? `    [${s.rules.join(", ")}]` : "";
    return `${lhs[i]}${pad} = ${rhsText(s.rhs, form)}${rules}`;
  });
  const legend = usedRules(steps).map((id) => {
    const r = describeRule(id);
    return `  ${id}: ${r.statement}${r.cite ? ` (${r.cite})` : ""}`;
  });
  return [...lines, ...(legend.length ? ["identities used:", ...legend] : [])].join("\n");
}

function latexEscapeText(s: string): string {
  return s.replace(/[\\{}$&#^_%~]/g, (c) => `\\${c}`);
}

/** An align environment a paper can paste; each line tagged with the identities it used. */
export function stepsToLatex(steps: readonly Step[]): string {
  const rows = steps.map((s) => {
    const rules = s.rules.length ? ` && \\text{${latexEscapeText(s.rules.join(", "))}}` : "";
    return `${lhsText(s.lhs, "latex")} &= ${rhsText(s.rhs, "latex")}${rules}`;
  });
  return `\\begin{align}\n${rows.join(" \\\\\n")}\n\\end{align}`;
}

export function stepsToJson(steps: readonly Step[]): unknown[] {
  return steps.map((s) => ({
    lhs: { plain: lhsText(s.lhs, "plain"), unicode: lhsText(s.lhs, "unicode"), latex: lhsText(s.lhs, "latex") },
    rhs: { plain: rhsText(s.rhs, "plain"), unicode: rhsText(s.rhs, "unicode"), latex: rhsText(s.rhs, "latex") },
    rules: s.rules.map(describeRule),
  }));
}
