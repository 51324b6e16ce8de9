// `matdiff code`: a value-and-gradient function in NumPy, PyTorch, JAX, Octave or TypeScript,
// generated from the same checked answer the CLI prints (answerQuery, read back from its text).

import { answerQuery, expandDefinitions, guarded } from "../engine.js";
import type { Expr } from "../expr/expr.js";
import type { Dim } from "../expr/shape.js";
import { errResult, fail, okResult, type Result } from "../diagnostics/diagnostic.js";
import type { Problem, QueryInfo, VarInfo } from "../parse/resolve.js";
import { printExpr } from "../print/index.js";
import { VERSION } from "../version.js";
import { totalFlops, type Node } from "./ir.js";
import { Lowering } from "./lower.js";
import { evalPoly, formatPoly, maxPowers, type Poly } from "./poly.js";
import { NameTable, schedule } from "./schedule.js";
import { LANGS, type Lang, type Output, type Param, type Target } from "./target.js";
import { jaxTarget, numpyTarget, torchTarget } from "./targets/python.js";
import { octaveTarget } from "./targets/octave.js";
import { typescriptTarget } from "./targets/typescript.js";

export { LANGS, type Lang };

export interface CodeOptions {
  lang?: Lang;
  /** The function's name (default value_and_grad). */
  name?: string;
  /** Sizes for the cost model and the header's flop ratio (others: DEFAULT_SIZE). */
  sizes?: ReadonlyMap<string, number>;
  /** Also the Hessian (scalar and vector variables) or a Hessian-vector product (matrix variables). */
  hessian?: boolean;
}

export interface FlopReport {
  /** Polynomials in the dimension names. */
  value: string;
  total: string;
  /** total / value at the sizes (all unnamed sizes DEFAULT_SIZE). */
  ratio: number;
  /** Does value + derivatives need a higher power of some dimension than the value alone? */
  higherPower: boolean;
}

export interface GeneratedCode {
  lang: Lang;
  code: string;
  flops: FlopReport;
  /** Names that were changed to be valid in the target (`import` → `import_`). */
  renamed: Array<[string, string]>;
}

/** A dimension with no --sizes hint is taken as this large: all equal and large. */
export const DEFAULT_SIZE = 1000;

const TARGETS: Record<Lang, () => Target> = {
  numpy: numpyTarget,
  torch: torchTarget,
  jax: jaxTarget,
  octave: octaveTarget,
  ts: typescriptTarget,
};

function declarationText(v: VarInfo): string {
  const dims = v.shape.filter((_d, i) => !(v.typeKind === "vector" && i === 1)).map(String);
  const type = v.typeKind === "scalar" || v.typeKind === "positive" || v.typeKind === "integer" ? v.typeKind : `${v.typeKind}(${v.typeKind === "symmetric" || v.typeKind === "spd" || (v.typeKind === "simplex" && v.shape[1] === 1) ? dims[0] : dims.join(", ")})`;
  return `${v.name}${v.param ? `(${v.param})` : ""} : ${type}`;
}

function kindOf(v: VarInfo): Param["kind"] {
  if (v.shape[0] === 1 && v.shape[1] === 1) return "scalar";
  if (v.shape[1] === 1) return "vector";
  return "matrix";
}

/** Parameters in declaration order; each dimension is bound by its first argument, checked by the rest. */
function parameters(problem: Problem, names: NameTable, dimNames: Map<string, string>, target: Target): Param[] {
  const bound = new Set<string>();
  const params: Param[] = [];
  for (const v of problem.vars.values()) {
    const axes = v.shape.map((d) => {
      const bind = typeof d === "string" && !d.includes("*") && !bound.has(d);
      if (bind) bound.add(d as string);
      return { dim: d, bind };
    });
    const code = names.claim(v.name);
    params.push({ code, ref: target.paramRef ? names.fresh(target.paramRef(code)) : code, name: v.name, kind: kindOf(v), shape: v.shape, axes });
  }
  for (const d of problem.dims) if (!dimNames.has(d)) dimNames.set(d, names.claim(d));
  return params;
}

export function generateCode(problem: Problem, query: QueryInfo, opts: CodeOptions = {}): Result<GeneratedCode> {
  return guarded(() => {
    const lang = opts.lang ?? "numpy";
    const target = TARGETS[lang]();
    const answer = answerQuery(problem, { ...query, kind: "grad" });
    if (!answer.ok) return answer;
    for (const r of answer.value.results) {
      if (r.component) fail("unsupported", `code generation for a gradient through an unknown function of ${r.wrt.name} (its partial derivatives have no code)`);
    }
    const bodies = new Map<string, Expr>();
    for (const d of problem.defs) bodies.set(d.name, d.body);
    for (const [name, body] of answer.value.definitions) bodies.set(name, body);

    const hessians: Array<{ wrt: VarInfo; value: Expr; direction: boolean }> = [];
    if (opts.hessian) {
      const h = answerQuery(problem, { ...query, kind: "hessian" });
      if (!h.ok) return h;
      for (const r of h.value.results) {
        const matrix = r.wrt.shape[0] !== 1 && r.wrt.shape[1] !== 1;
        const e = matrix ? r.gradientDifferential : r.value;
        if (!e) return errResult({ kind: "unsupported", message: `code generation for the Hessian with respect to ${r.wrt.name}` });
        // the Hessian's own engine names could clash with the gradient's: written out instead
        hessians.push({ wrt: r.wrt, value: expandDefinitions(e, h.value.definitions), direction: matrix });
      }
    }

    const sizes = opts.sizes ?? new Map<string, number>();
    const lowering = new Lowering(problem, bodies, { sizes, fallback: DEFAULT_SIZE });
    const valueNode = lowering.lower(query.expr);
    const gradNodes = answer.value.results.map((r) => lowering.lower(r.value));
    const hessNodes = hessians.map((h) => lowering.lower(h.value));

    const names = new NameTable(target.reserved);
    const fnName = names.claim(opts.name ?? "value_and_grad");
    const dimNames = new Map<string, string>();
    const params = parameters(problem, names, dimNames, target);
    const paramByName = new Map(params.map((p) => [p.name, p]));
    const directions = new Map<string, string>();
    for (const h of hessians) if (h.direction) directions.set(h.wrt.name, names.claim(`v_${h.wrt.name}`));
    const directionRefs = new Map([...directions].map(([name, code]) => [name, target.paramRef ? names.fresh(target.paramRef(code)) : code]));
    const paramName = (name: string): string => (name.startsWith("d:") ? directionRefs.get(name.slice(2))! : paramByName.get(name)!.ref);
    const dim = (d: Dim): string => {
      if (typeof d === "number") return String(d);
      return d
        .split("*")
        .map((part) => (/^\d+$/.test(part) ? part : dimNames.get(part) ?? fail("unsupported", `code generation: the size ${part} is not the size of any argument`)))
        .join(" * ");
    };
    // every dimension has a local name, but only those bound from an argument's shape have a value
    const unbound = [...problem.dims].filter((d) => !params.some((p) => p.axes.some((a) => a.bind && a.dim === d)));
    const used = usedDims([valueNode, ...gradNodes, ...hessNodes]);
    for (const d of unbound) if (used.has(d)) fail("unsupported", `code generation: the size ${d} is not the size of any argument, so the function cannot read it`);

    const outputs: Output[] = [
      { code: names.fresh("value"), node: valueNode },
      ...answer.value.results.map((r, i) => ({ code: names.fresh(`grad_${r.wrt.name}`), node: gradNodes[i]!, shapeOf: paramByName.get(r.wrt.name) })),
      ...hessians.map((h, i) => ({ code: names.fresh(`${h.direction ? "hvp" : "hess"}_${h.wrt.name}`), node: hessNodes[i]!, ...(h.direction ? { shapeOf: paramByName.get(h.wrt.name) } : {}) })),
    ];
    const sched = schedule(outputs.map((o) => o.node), target, names, paramName, dim);

    const valueFlops = totalFlops([valueNode]);
    const total = totalFlops(outputs.map((o) => o.node));
    const flops = report(valueFlops, total, sizes);
    const allParams = [...params, ...[...directions].map(([name, code]): Param => {
      const v = problem.vars.get(name)!;
      return { code, ref: directionRefs.get(name)!, name: `v_${name}`, kind: kindOf(v), shape: v.shape, axes: v.shape.map((d) => ({ dim: d, bind: false })) };
    })];
    const header = headerLines(problem, query, answer.value.results.map((r) => r.wrt), hessians, flops, sizes, names.renamed, lang);
    const code = target.render({
      name: fnName,
      header,
      params: allParams,
      statements: sched.statements,
      outputs: outputs.map((o) => ({ code: o.code, text: sched.codeOf(o.node), node: o.node, ...(o.shapeOf ? { shapeOf: o.shapeOf } : {}) })),
      dim,
    });
    return okResult({ lang, code, flops, renamed: names.renamed });
  });
}

function usedDims(roots: readonly Node[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<Node>();
  const visit = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of n.shape) if (typeof d === "string") for (const p of d.split("*")) out.add(p);
    if (n.op.op === "dim") out.add(n.op.name);
    n.args.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

function report(value: Poly, total: Poly, sizes: ReadonlyMap<string, number>): FlopReport {
  const v = evalPoly(value, sizes, DEFAULT_SIZE);
  const t = evalPoly(total, sizes, DEFAULT_SIZE);
  const vp = maxPowers(value);
  const higherPower = [...maxPowers(total)].some(([name, k]) => k > (vp.get(name) ?? 0) && !(sizes.get(name) === 1));
  return { value: formatPoly(value), total: formatPoly(total), ratio: v > 0 ? t / v : t > 0 ? Infinity : 1, higherPower };
}

/** Text for a comment line: a formula typed over several lines is written on one. */
const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

function headerLines(
  problem: Problem,
  query: QueryInfo,
  wrt: readonly VarInfo[],
  hessians: ReadonlyArray<{ wrt: VarInfo; direction: boolean }>,
  flops: FlopReport,
  sizes: ReadonlyMap<string, number>,
  renamed: ReadonlyArray<[string, string]>,
  lang: Lang,
): string[] {
  const at = sizes.size > 0 ? [...sizes].map(([k, v]) => `${k} = ${v}`).join(", ") : `every size ${DEFAULT_SIZE}`;
  const lines = [
    `Generated by matdiff ${VERSION} (--lang ${lang}): the value of f and its gradient${wrt.length > 1 ? "s" : ""}${hessians.length > 0 ? ", and second derivatives" : ""}.`,
    "",
    ...[...problem.vars.values()].map((v) => `  ${declarationText(v)}`),
    ...problem.defs.map((d) => `  ${d.name} = ${oneLine(d.text ?? printExpr(d.body, "plain"))}`),
    `  f = ${oneLine(query.text)}`,
    `  wrt ${wrt.map((v) => v.name).join(", ")}`,
    "",
    "Returns (value, " + [...wrt.map((v) => `grad_${v.name}`), ...hessians.map((h) => `${h.direction ? "hvp" : "hess"}_${h.wrt.name}`)].join(", ") + ").",
    "Each gradient has its variable's shape (df = sum(G .* dX)); for a symmetric or spd variable it is",
    "the symmetric gradient (df = sum(G .* dX) for every symmetric dX). Vectors may be 1-D or n×1.",
    ...hessians.map((h) =>
      h.direction
        ? `hvp_${h.wrt.name} is the Hessian applied to the direction v_${h.wrt.name} (the derivative of grad_${h.wrt.name} along it)${h.wrt.sym.symmetric ? `; v_${h.wrt.name} must be symmetric, as ${h.wrt.name} is` : ""}.`
        : `hess_${h.wrt.name} is the Hessian in the coordinates of ${h.wrt.name} (a matrix).`,
    ),
    "",
    `Flops, value alone: ${flops.value}`,
    `Flops, value and derivatives: ${flops.total}`,
    `Ratio at ${at}: ${Number.isFinite(flops.ratio) ? flops.ratio.toFixed(2) : "inf"}`,
  ];
  if (renamed.length > 0) lines.push("", `Renamed to be valid here: ${renamed.map(([a, b]) => `${a} → ${b}`).join(", ")}.`);
  return lines;
}
