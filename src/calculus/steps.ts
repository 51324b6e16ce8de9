// The derivation of a gradient as data, step by step, the way a careful answer writes it:
//   ℓ = …,  dℓ = …  (differential identities),  = G_K : dK  (Frobenius moves),
//   dK = …,  dℓ = G_K : (…),  = G : dZ,  ∂ℓ/∂Z = G  (read-off).
// Each line names the identities it used; rendering is in src/cli/steps-format.ts.

import { add, isSymmetric, num1 } from "../expr/build.js";
import { dvar, forEachDistinct, hasDVar, type Expr } from "../expr/expr.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import { factorCommon } from "../simplify/factor.js";
import { DifferentialContext } from "./differential.js";
import { DIFFERENTIAL_RULES, STRUCTURAL_RULES } from "./identities.js";
import { FROBENIUS_MOVES, readoff, type Contributions } from "./readoff.js";

export type StepLhs =
  | { kind: "value"; name: string } // ℓ = …
  | { kind: "differential"; name: string } // dℓ = …, dK = …
  | { kind: "gradient"; of: string; wrt: string } // ∂ℓ/∂Z = …
  | { kind: "gradientDifferential" } // d(∇f) = … (of a matrix Hessian)
  | { kind: "jacobian"; wrt: string } // J_X = …
  | { kind: "hessian"; wrt: string } // H_X = …
  | { kind: "continued" }; // = …

export type StepRhs = { kind: "expr"; e: Expr } | { kind: "frobenius"; pairs: Array<[G: Expr, d: Expr]> };

export interface Step {
  lhs: StepLhs;
  rhs: StepRhs;
  /** Ids of the identities this step used (see describeRule). */
  rules: string[];
}

export function describeRule(id: string): { id: string; statement: string; cite: string } {
  const d = DIFFERENTIAL_RULES.find((r) => r.id === id);
  if (d) return { id, statement: d.statement, cite: d.cite };
  const m = FROBENIUS_MOVES.find((r) => r.id === id);
  if (m) return { id, statement: m.statement, cite: m.cite };
  return STRUCTURAL_RULES.find((r) => r.id === id) ?? { id, statement: id, cite: "" };
}

/** Contributions as G : dname pairs, definitions in problem order, the variable last. */
function pairs(problem: Problem, out: Contributions, x: VarInfo): Array<[Expr, Expr]> {
  const names = [...problem.defs.map((d) => d.name), x.name].filter((n) => out.has(n));
  return names.map((n) => {
    const def = problem.defsByName.get(n);
    const dvarOf = def ? def.sym : x.sym;
    return [factorCommon(add(out.get(n)!)), differentialSymbol(dvarOf)];
  });
}

/** The differential dK of a symbol K, as the differential context writes it. */
function differentialSymbol(s: Extract<Expr, { kind: "sym" }>): Expr {
  return dvar(s.name, s.shape, s.symmetric);
}

export function gradientSteps(problem: Problem, f: Expr, x: VarInfo, answer: Expr): Step[] {
  const steps: Step[] = [];
  // a query on a defined name (grad l wrt Z) starts from the definition's body
  const top = f.kind === "sym" && f.role === "def" ? problem.defsByName.get(f.name) : undefined;
  const name = top?.name ?? "f";
  const body = top?.body ?? f;
  steps.push({ lhs: { kind: "value", name }, rhs: { kind: "expr", e: body }, rules: [] });

  const t0 = new Set<string>();
  const df = new DifferentialContext(problem, x.name, t0).d(body);
  steps.push({ lhs: { kind: "differential", name }, rhs: { kind: "expr", e: df }, rules: [...t0] });

  const out: Contributions = new Map();
  const t1 = new Set<string>();
  readoff(num1, df, out, t1);
  steps.push({ lhs: { kind: "continued" }, rhs: { kind: "frobenius", pairs: pairs(problem, out, x) }, rules: [...t1] });

  for (let i = problem.defs.length - 1; i >= 0; i--) {
    const def = problem.defs[i]!;
    if (def === top || !out.has(def.name)) continue;
    const gK = add(out.get(def.name)!);
    out.delete(def.name);
    const t2 = new Set<string>();
    const dK = new DifferentialContext(problem, x.name, t2).d(def.body);
    steps.push({ lhs: { kind: "differential", name: def.name }, rhs: { kind: "expr", e: dK }, rules: [...t2] });
    steps.push({
      lhs: { kind: "differential", name },
      rhs: { kind: "frobenius", pairs: [...pairs(problem, out, x), [factorCommon(gK), dK]] },
      rules: [],
    });
    const t3 = new Set<string>();
    readoff(gK, dK, out, t3);
    steps.push({ lhs: { kind: "continued" }, rhs: { kind: "frobenius", pairs: pairs(problem, out, x) }, rules: [...t3] });
  }
  const G = out.has(x.name) ? add(out.get(x.name)!) : undefined;
  const rules = ["read-off"];
  if (x.sym.symmetric && G && !isSymmetric(G) && x.shape[0] !== 1) rules.push("symmetric-gradient");
  steps.push({ lhs: { kind: "gradient", of: name, wrt: x.name }, rhs: { kind: "expr", e: answer }, rules });
  return steps;
}

/** The value line of a query: a query on a defined name starts from the definition's body. */
function valueStep(problem: Problem, f: Expr, fallback: string): { name: string; body: Expr; top?: string; step: Step } {
  const top = f.kind === "sym" && f.role === "def" ? problem.defsByName.get(f.name) : undefined;
  const name = top?.name ?? fallback;
  const body = top?.body ?? f;
  return { name, body, ...(top ? { top: top.name } : {}), step: { lhs: { kind: "value", name }, rhs: { kind: "expr", e: body }, rules: [] } };
}

/**
 * dF with each definition kept as dK, then each dK that occurs, latest definition first, then dF
 * with them substituted: the differential as a hand derivation writes it.
 */
function differentialSteps(problem: Problem, f: Expr, x: VarInfo, fallback: string, substituted: Expr): { steps: Step[]; name: string } {
  const { name, body, top, step } = valueStep(problem, f, fallback);
  const steps: Step[] = [step];
  const t0 = new Set<string>();
  const ctx = new DifferentialContext(problem, x.name, t0);
  const dF = ctx.d(body);
  steps.push({ lhs: { kind: "differential", name }, rhs: { kind: "expr", e: dF }, rules: [...t0] });
  const pending = new Set<string>();
  const collect = (e: Expr) =>
    forEachDistinct([e], (n) => {
      if (n.kind === "dvar" && n.name !== x.name && problem.defsByName.has(n.name) && n.name !== top) pending.add(n.name);
    });
  collect(dF);
  let substitutedAny = false;
  for (let i = problem.defs.length - 1; i >= 0; i--) {
    const def = problem.defs[i]!;
    if (!pending.has(def.name)) continue;
    const t = new Set<string>();
    const dK = new DifferentialContext(problem, x.name, t).d(def.body);
    steps.push({ lhs: { kind: "differential", name: def.name }, rhs: { kind: "expr", e: dK }, rules: [...t] });
    collect(dK);
    substitutedAny = true;
  }
  if (substitutedAny) steps.push({ lhs: { kind: "differential", name }, rhs: { kind: "expr", e: substituted }, rules: ["d-substitution"] });
  return { steps, name };
}

/** differential F wrt X: the differential, its definitions' differentials, and dF with them in. */
export function differentialDerivation(problem: Problem, f: Expr, x: VarInfo, answer: Expr): Step[] {
  return differentialSteps(problem, f, x, "F", answer).steps;
}

/** The vec identities a read-off of this differential uses: those of diag(·) only where one holds a differential. */
function vecRules(differential: Expr): string[] {
  let diagonal = false;
  forEachDistinct([differential], (e) => {
    if (e.kind === "apply" && (e.fn === "diagm" || e.fn === "diagv") && hasDVar(e)) diagonal = true;
  });
  return diagonal ? ["vec-read-off", "vec-diag"] : ["vec-read-off"];
}

/** jacobian F wrt X: the differential of F, then the vec read-off d vec(F) = J d vec(X). */
export function jacobianDerivation(problem: Problem, f: Expr, x: VarInfo, dF: Expr, answer: Expr): Step[] {
  const { steps } = differentialSteps(problem, f, x, "F", dF);
  steps.push({ lhs: { kind: "jacobian", wrt: x.name }, rhs: { kind: "expr", e: answer }, rules: vecRules(dF) });
  return steps;
}

/**
 * hessian f wrt X: the gradient's derivation, then the gradient's differential, read off in vec
 * coordinates (H = J(∇f)).
 */
export function hessianDerivation(problem: Problem, f: Expr, x: VarInfo, grad: Expr, gradDifferential: Expr, answer: Expr): Step[] {
  const steps = gradientSteps(problem, f, x, grad);
  steps.push({ lhs: { kind: "gradientDifferential" }, rhs: { kind: "expr", e: gradDifferential }, rules: ["d-linearity"] });
  steps.push({ lhs: { kind: "hessian", wrt: x.name }, rhs: { kind: "expr", e: answer }, rules: [...vecRules(gradDifferential), "hessian-read-off"] });
  return steps;
}
