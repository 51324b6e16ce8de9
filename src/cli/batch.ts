// `matdiff batch`: JSON Lines in, JSON Lines out (LANGUAGE.md section 6). One output line per
// non-blank input line, same id, in input order; a bad line gets an error line and the batch goes
// on. Every line is its own scope.

import { answerQuery, problemFromParts, type ProblemParts } from "../engine.js";
import { diagnosticToJson } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { QueryKind } from "../parse/surface.js";
import { answerToJson } from "./format.js";
import { BudgetExceeded, SizeExceeded, withTimeBudget } from "../budget.js";
import { releaseNodes } from "../expr/expr.js";
import { generateCode, LANGS, type CodeOptions, type Lang } from "../codegen/index.js";
import { nowMs } from "../clock.js";

const QUERIES: readonly QueryKind[] = ["grad", "jacobian", "hessian", "differential"];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(x: unknown): x is Record<string, Json> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function bad(message: string, hint?: string): Diagnostic {
  return { kind: "syntax", message, ...(hint ? { hint } : {}) };
}

/** Read one request's fields, or say which field is wrong. */
function partsOf(req: Record<string, Json>): ProblemParts | Diagnostic {
  const decls: ProblemParts["decls"] = [];
  const d = req["decls"];
  if (typeof d === "string") decls.push({ text: d, source: "decls" });
  else if (isObject(d)) {
    for (const [name, type] of Object.entries(d)) {
      if (typeof type !== "string") return bad(`decls.${name} must be a type string such as "matrix(n, m)"`);
      decls.push({ text: `${name} : ${type}`, source: `decls.${name}` });
    }
  } else if (d !== undefined) return bad(`"decls" must be an object of name to type, or a string of declarations`);

  const defs: ProblemParts["defs"] = [];
  const f = req["defs"];
  if (Array.isArray(f)) {
    for (const [i, text] of f.entries()) {
      if (typeof text !== "string") return bad(`defs[${i}] must be a string "NAME = EXPR"`);
      defs.push({ text, source: `defs[${i}]` });
    }
  } else if (typeof f === "string") defs.push({ text: f, source: "defs" });
  else if (f !== undefined && f !== null) return bad(`"defs" must be a list of "NAME = EXPR" strings`);

  const query = req["query"] ?? "grad";
  if (typeof query !== "string" || !([...QUERIES, "code"] as readonly string[]).includes(query)) {
    return bad(`"query" must be one of ${[...QUERIES, "code"].join(", ")}`);
  }
  const expr = req["expr"];
  if (typeof expr !== "string") return bad(`"expr" must be a string: the expression to differentiate`);
  const w = req["wrt"];
  const wrt = typeof w === "string" ? [w] : Array.isArray(w) && w.every((x) => typeof x === "string") ? (w as string[]) : undefined;
  if (!wrt || wrt.length === 0) return bad(`"wrt" must be a variable name or a list of names`);
  // a "code" line is a gradient, written as code (lang, name, sizes, hessian: codeRequest)
  return { decls, defs, query: query === "code" ? "grad" : (query as QueryKind), expr: { text: expr, source: "expr" }, wrt };
}

/** The options of a `"query": "code"` line. */
function codeRequest(req: Record<string, Json>): CodeOptions | Diagnostic {
  const lang = req["lang"] ?? "numpy";
  if (typeof lang !== "string" || !(LANGS as readonly string[]).includes(lang)) return bad(`"lang" must be one of ${LANGS.join(", ")}`);
  const name = req["name"] ?? "value_and_grad";
  if (typeof name !== "string") return bad(`"name" must be a string: the function's name`);
  const sizes = new Map<string, number>();
  const s = req["sizes"];
  if (isObject(s)) {
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) return bad(`sizes.${k} must be a whole number ≥ 1`);
      sizes.set(k, v);
    }
  } else if (s !== undefined) return bad(`"sizes" must be an object such as {"N": 2000, "D": 10}`);
  return { lang: lang as Lang, name, sizes, hessian: req["hessian"] === true };
}

/** Seconds one batch line may take before it gets a `limit` error (the batch goes on). */
export const DEFAULT_LINE_BUDGET_S = 10;

export function answerLine(line: string, lineNo: number, budgetS = DEFAULT_LINE_BUDGET_S): Record<string, unknown> {
  return withTimeBudget(budgetS * 1000, () => answerWithin(line, lineNo));
}

function answerWithin(line: string, lineNo: number): Record<string, unknown> {
  const t0 = nowMs();
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return { id: null, line: lineNo, ok: false, error: diagnosticToJson(bad(`line ${lineNo} is not valid JSON`)) };
  }
  if (!isObject(req)) {
    return { id: null, line: lineNo, ok: false, error: diagnosticToJson(bad(`line ${lineNo} must be a JSON object`)) };
  }
  const id = req["id"] ?? null;
  const fail = (d: Diagnostic) => ({ id, ok: false, error: diagnosticToJson(d) });
  const parts = partsOf(req);
  if ("kind" in parts) return fail(parts);
  const problem = problemFromParts(parts);
  if (!problem.ok) return fail(problem.error);
  if (req["query"] === "code") {
    const opts = codeRequest(req);
    if ("kind" in opts) return fail(opts);
    const code = generateCode(problem.value, problem.value.queries[0]!, opts);
    if (!code.ok) return fail(code.error);
    const { value, total, ratio } = code.value.flops;
    return { id, ok: true, ms: Math.round((nowMs() - t0) * 1000) / 1000, lang: code.value.lang, code: code.value.code, flops: { value, total, ratio: Number(ratio.toFixed(3)) } };
  }
  const check = req["check"] === true;
  const answer = answerQuery(problem.value, problem.value.queries[0]!, { inline: req["inline"] === true, check, steps: req["steps"] === true });
  if (!answer.ok) return fail(answer.error);
  let json: Record<string, unknown>;
  try {
    json = answerToJson(answer.value);
  } catch (e) {
    if (e instanceof BudgetExceeded || e instanceof SizeExceeded) return fail({ kind: "limit", message: e.message });
    throw e;
  }
  const out: Record<string, unknown> = {
    id,
    ok: true,
    ms: Math.round((nowMs() - t0) * 1000) / 1000,
    results: json["results"],
    definitions: json["definitions"],
  };
  if (json["check"]) out["check"] = json["check"];
  return out;
}

export function runBatch(input: string, write: (line: string) => void, budgetS = DEFAULT_LINE_BUDGET_S): void {
  const lines = input.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    write(JSON.stringify(answerLine(line, i + 1, budgetS)));
    // every line is its own scope: nothing of it is needed for the next one
    releaseNodes();
  });
}
