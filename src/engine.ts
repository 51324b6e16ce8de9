// The engine's front door: problems in (a problem file, or the pieces the CLI and batch receive),
// answers out as values. Every user error is a Diagnostic; anything else is a bug reported as
// kind "internal".

import { InternalError } from "./expr/build.js";
import { CoefficientOverflow } from "./expr/rational.js";
import { BudgetExceeded, SizeExceeded } from "./budget.js";
import type { Expr } from "./expr/expr.js";
import { substitute } from "./expr/transform.js";
import { errResult, okResult, UserError, type Result, type Source } from "./diagnostics/diagnostic.js";
import { gradient } from "./calculus/gradient.js";
import {
  checkComponentLinearisation,
  checkComponents,
  checkGradients,
  checkLinearisations,
  combineChecks,
  differentialClaim,
  jacobianClaim,
  type CheckOptions,
  type CheckResult,
} from "./evaluate/check.js";
import { COMPONENT_INDEX, DifferentialContext } from "./calculus/differential.js";
import { componentDifferential, differentialIn, hessianOfGradient, jacobian, jacobianColumn } from "./calculus/jacobian.js";
import { differentialDerivation, gradientSteps, hessianDerivation, jacobianDerivation, type Step } from "./calculus/steps.js";
import { parseExpression, parseProgram } from "./parse/parser.js";
import { inResolutionOrder, resolveProblem, Resolver, type Problem, type QueryInfo, type SourcedStatement, type VarInfo } from "./parse/resolve.js";
import { RESERVED_NAMES } from "./parse/functions.js";
import { factorCommon } from "./simplify/factor.js";
import { present } from "./simplify/present.js";
import { foldDeclaredFacts } from "./simplify/declared.js";
import { nameCommonSubexpressions } from "./simplify/cse.js";
import { MAX_ANSWER_NODES, Rereader, tooLarge } from "./answer/reread.js";
import type { Ident, QueryKind, Span, Statement } from "./parse/surface.js";
import { nowMs } from "./clock.js";

export interface QueryOptions {
  /** Write the answer without the user's definitions (substitute their bodies). */
  inline?: boolean;
  /** Compare with finite differences at random points. */
  check?: boolean | CheckOptions;
  /** Also derive the answer step by step (grad queries). */
  steps?: boolean;
}

export interface QueryAnswer {
  query: QueryInfo;
  /**
   * Per variable: the gradient, Jacobian, Hessian or differential the query asked for; for the
   * Hessian of a matrix variable also d(∇f), the differential of the gradient, as a linear
   * expression in dX (the vec-coordinate Hessian alone hides that structure).
   */
  results: Array<{ wrt: VarInfo; value: Expr; gradientDifferential?: Expr; component?: string; steps?: Step[] }>;
  check?: CheckResult;
  /** Names the answer uses that the user did not define, in order, with their bodies. */
  definitions: Array<[string, Expr]>;
  /** Engine time for this query, in milliseconds. */
  ms: number;
}

/** Run f, turning user errors into values and anything unexpected into an `internal` diagnostic. */
export function guarded<T>(f: () => Result<T>): Result<T> {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) return errResult(e.diagnostic);
    if (e instanceof SizeExceeded) {
      return errResult({ kind: "limit", message: e.message, hint: "name repeated parts with definitions, or differentiate a smaller piece" });
    }
    if (e instanceof BudgetExceeded) {
      return errResult({ kind: "limit", message: e.message, hint: "name repeated parts with definitions, or raise the budget with --time-limit" });
    }
    if (e instanceof CoefficientOverflow) {
      return errResult({ kind: "limit", message: `${e.message}: beyond the numbers matdiff writes exactly`, hint: "scale the problem, or name the constant (c : positive)" });
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return errResult({ kind: "limit", message: "expression too deeply nested for the engine" });
    }
    const message = e instanceof InternalError || e instanceof Error ? e.message : String(e);
    return errResult({ kind: "internal", message: `internal error (a bug in matdiff): ${message}` });
  }
}

// ---------------------------------------------------------------- building problems

export function problemFromText(text: string, sourceName = "input"): Result<Problem> {
  return guarded(() => {
    const source: Source = { name: sourceName, text };
    const parsed = parseProgram(text, source);
    if (!parsed.ok) return parsed;
    return resolveProblem(parsed.value.map((stmt) => ({ stmt, source })));
  });
}

export interface ProblemParts {
  /** Declarations, each `NAME : TYPE` or several separated by `;`. */
  decls: Array<{ text: string; source: string }>;
  /** Definitions `NAME = EXPR`, in order. */
  defs: Array<{ text: string; source: string }>;
  query: QueryKind;
  expr: { text: string; source: string };
  wrt: string[];
}

function statementsOf(text: string, sourceName: string, want: Statement["type"], what: string): Result<SourcedStatement[]> {
  const source: Source = { name: sourceName, text };
  const parsed = parseProgram(text, source);
  if (!parsed.ok) return parsed;
  for (const stmt of parsed.value) {
    if (stmt.type !== want) {
      return errResult({ kind: "syntax", message: `expected ${what}`, source, span: stmt.span });
    }
  }
  return okResult(parsed.value.map((stmt) => ({ stmt, source })));
}

const NAME_RE = /^(?:(?!ᵀ)[\p{L}_])(?:(?!ᵀ)[\p{L}\p{Nd}_])*$/u;

/** The statements of the CLI/batch pieces, each parsed with its own source for carets. */
function partsToItems(parts: Pick<ProblemParts, "decls" | "defs">): Result<SourcedStatement[]> {
  const items: SourcedStatement[] = [];
  for (const d of parts.decls) {
    const r = statementsOf(d.text, d.source, "decl", "a declaration such as X : matrix(n, m)");
    if (!r.ok) return r;
    items.push(...r.value);
  }
  for (const d of parts.defs) {
    const r = statementsOf(d.text, d.source, "def", "a definition such as K = Z*Z' + I");
    if (!r.ok) return r;
    items.push(...r.value);
  }
  return okResult(items);
}

function queryItem(parts: ProblemParts): Result<SourcedStatement> {
  const exprSource: Source = { name: parts.expr.source, text: parts.expr.text };
  const expr = parseExpression(parts.expr.text, exprSource);
  if (!expr.ok) return expr;
  if (parts.wrt.length === 0) {
    return errResult({ kind: "syntax", message: "no variable to differentiate with respect to", hint: "add --wrt NAME" });
  }
  const wrtText = parts.wrt.join(", ");
  const wrtSource: Source = { name: "wrt", text: wrtText };
  let offset = 0;
  const wrt: Ident[] = parts.wrt.map((name) => {
    const span: Span = { start: offset, end: offset + name.length, line: 1, col: offset + 1 };
    offset += name.length + 2;
    return { name, span };
  });
  for (const w of wrt) {
    if (!NAME_RE.test(w.name)) {
      return errResult({ kind: "syntax", message: `'${w.name}' is not a variable name`, source: wrtSource, span: w.span });
    }
  }
  const query: Statement = { type: "query", kind: parts.query, expr: expr.value, wrt, span: expr.value.span };
  return okResult({ stmt: query, source: exprSource, wrtSource });
}

export function problemFromParts(parts: ProblemParts): Result<Problem> {
  return guarded(() => {
    const items = partsToItems(parts);
    if (!items.ok) return items;
    const q = queryItem(parts);
    if (!q.ok) return q;
    return resolveProblem([...items.value, q.value]);
  });
}

/**
 * A problem (with or without a query) plus free expressions resolved in its scope: the claimed
 * gradient of `matdiff check`, the two sides of `matdiff equal`.
 */
export function problemWithExpressions(
  parts: Pick<ProblemParts, "decls" | "defs"> & Partial<Pick<ProblemParts, "query" | "expr" | "wrt">>,
  extra: Array<{ text: string; source: string }>,
): Result<{ problem: Problem; exprs: Expr[] }> {
  return guarded(() => {
    const items = partsToItems(parts);
    if (!items.ok) return items;
    if (parts.expr && parts.query && parts.wrt) {
      const q = queryItem(parts as ProblemParts);
      if (!q.ok) return q;
      items.value.push(q.value);
    }
    const r = new Resolver();
    for (const item of inResolutionOrder(items.value)) r.add(item);
    const exprs: Expr[] = [];
    for (const x of extra) {
      const source: Source = { name: x.source, text: x.text };
      const parsed = parseExpression(x.text, source);
      if (!parsed.ok) return parsed;
      exprs.push(r.expression(parsed.value, source));
    }
    return okResult({ problem: r.problem, exprs });
  });
}

// ---------------------------------------------------------------- answering

/** Every name a problem uses, so engine definitions never shadow one. */
function namesInUse(problem: Problem): Set<string> {
  return new Set([...problem.vars.keys(), ...problem.defsByName.keys(), ...problem.dims, ...RESERVED_NAMES]);
}

/** Substitute engine definitions back (last first: a later body may use an earlier name). */
export function expandDefinitions(e: Expr, definitions: ReadonlyArray<[string, Expr]>): Expr {
  let out = e;
  for (let i = definitions.length - 1; i >= 0; i--) out = substitute(out, new Map([definitions[i]!]));
  return out;
}

function inlineDefinitions(problem: Problem, e: Expr): Expr {
  const bodies = new Map<string, Expr>();
  for (const d of problem.defs) bodies.set(d.name, substitute(d.body, bodies));
  return substitute(e, bodies);
}

/** The raw (unpresented) answer of one query for one variable, and what --check compares. */
interface RawResult {
  wrt: VarInfo;
  value: Expr;
  component?: string;
  gradientDifferential?: Expr;
  /** Checks `value` (a function of the printed, engine-name-expanded value). */
  check: (shown: Expr, opts: CheckOptions, shownDifferential?: Expr) => CheckResult;
}

function rawResults(problem: Problem, query: QueryInfo): RawResult[] {
  const f = query.expr;
  return query.wrt.map((v): RawResult => {
    switch (query.kind) {
      case "grad": {
        const g = gradient(problem, f, v);
        if (g.component) {
          return { wrt: v, value: g.value, component: g.component, check: (G, o) => checkComponents(problem, f, v, G, o) };
        }
        return { wrt: v, value: g.value, check: (G, o) => checkGradients(problem, f, [{ wrt: v, value: G }], o) };
      }
      case "differential": {
        const ctx = new DifferentialContext(problem, v.name);
        const dF = differentialIn(ctx, f);
        if (componentDifferential(dF, v)) {
          // dF = Σₖ (∂F/∂θₖ) dθₖ, written with its k-th term
          return { wrt: v, value: dF, component: COMPONENT_INDEX, check: (d, o) => checkComponentLinearisation(problem, f, v, d, o) };
        }
        return { wrt: v, value: dF, check: (d, o) => checkLinearisations(problem, f, [{ wrt: v, claim: differentialClaim(d), expr: d }], o) };
      }
      case "jacobian": {
        const column = jacobianColumn(problem, f, v);
        if (column) {
          return { wrt: v, value: column, component: COMPONENT_INDEX, check: (c, o) => checkComponentLinearisation(problem, f, v, c, o) };
        }
        return { wrt: v, value: jacobian(problem, f, v), check: (J, o) => checkLinearisations(problem, f, [{ wrt: v, claim: jacobianClaim(J), expr: J }], o) };
      }
      case "hessian": {
        // H is checked against differences of the gradient, and the gradient against f
        const g = gradient(problem, f, v).value;
        const differentialOfG = differentialIn(new DifferentialContext(problem, v.name), g);
        const isMatrix = v.shape[0] !== 1 && v.shape[1] !== 1;
        return {
          wrt: v,
          value: hessianOfGradient(problem, g, differentialOfG, v),
          ...(isMatrix ? { gradientDifferential: differentialOfG } : {}),
          check: (H, o, dG) =>
            combineChecks(
              checkGradients(problem, f, [{ wrt: v, value: g }], o),
              // d(∇f) is printed too: checked as the differential of the gradient, on the same differences
              checkLinearisations(problem, g, [{ wrt: v, claim: jacobianClaim(H), expr: H }, ...(dG ? [{ wrt: v, claim: differentialClaim(dG), expr: dG }] : [])], o),
            ),
        };
      }
    }
  });
}

/** The derivation of one result, as its query kind writes it (--steps). */
function derivation(problem: Problem, query: QueryInfo, wrt: VarInfo, shown: Expr, shownDifferential: Expr | undefined): Step[] {
  const f = query.expr;
  switch (query.kind) {
    case "grad":
      return gradientSteps(problem, f, wrt, shown);
    case "differential":
      return differentialDerivation(problem, f, wrt, shown);
    case "jacobian":
      return jacobianDerivation(problem, f, wrt, differentialIn(new DifferentialContext(problem, wrt.name), f), shown);
    case "hessian": {
      const g = present(gradient(problem, f, wrt).value).expr;
      const dg = shownDifferential ?? factorCommon(differentialIn(new DifferentialContext(problem, wrt.name), g));
      return hessianDerivation(problem, f, wrt, g, dg, shown);
    }
  }
}

export function answerQuery(problem: Problem, query: QueryInfo, opts: QueryOptions = {}): Result<QueryAnswer> {
  return guarded(() => {
    const t0 = nowMs();
    const raw = rawResults(problem, query);
    // refuse a huge answer before presenting it (presentation would only make it slower)
    for (const r of raw) if (r.value.size > MAX_ANSWER_NODES) tooLarge(r.value);
    // presentation: factor what sums share, then (unless inlining) name repeated subexpressions
    for (const r of raw) r.value = foldDeclaredFacts(problem, r.value);
    let presented = raw.map((r) => present(opts.inline ? inlineDefinitions(problem, r.value) : r.value).expr);
    let definitions: Array<[string, Expr]> = [];
    if (!opts.inline) {
      const named = nameCommonSubexpressions(presented, namesInUse(problem));
      presented = named.exprs;
      definitions = named.definitions;
    }
    // what is printed is what is checked: each answer is read back from its plain text
    const differentials = raw.map((r) => (r.gradientDifferential ? factorCommon(r.gradientDifferential) : undefined));
    const rereader = new Rereader(problem, definitions, [...presented, ...differentials.filter((d): d is Expr => d !== undefined)]);
    definitions = rereader.definitions;
    const shown = presented.map((e) => rereader.settle(e));
    const shownDifferentials = differentials.map((d) => (d ? rereader.settle(d, "differential of the gradient") : undefined));
    const results = raw.map((r, i) => ({
      wrt: r.wrt,
      value: shown[i]!,
      ...(opts.steps && !r.component ? { steps: derivation(problem, query, r.wrt, shown[i]!, shownDifferentials[i]) } : {}),
      ...(r.component ? { component: r.component } : {}),
      ...(shownDifferentials[i] ? { gradientDifferential: shownDifferentials[i] } : {}),
    }));
    const ms = nowMs() - t0;
    const answer: QueryAnswer = { query, results, definitions, ms };
    if (opts.check) {
      // the check evaluates the answer as read back from its printed text, engine names expanded
      const o = typeof opts.check === "object" ? opts.check : {};
      const expanded = (e: Expr | undefined) => (e ? expandDefinitions(e, definitions) : undefined);
      answer.check = raw.map((r, i) => r.check(expanded(shown[i])!, o, expanded(shownDifferentials[i]))).reduce(combineChecks);
    }
    return okResult(answer);
  });
}

export function answerAll(problem: Problem, opts: QueryOptions = {}): Array<Result<QueryAnswer>> {
  return problem.queries.map((q) => answerQuery(problem, q, opts));
}
