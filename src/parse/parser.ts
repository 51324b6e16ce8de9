// The parser facade: text in, a surface tree or a syntax Diagnostic out.
//
// Expected tokens come from nearley's parse table (the states of the column where parsing
// stopped), never from scraping its error text. No result at the end of input is "unexpected end";
// more than one distinct result is an ambiguity (only `|...|` can cause one). Input that parses
// is read by a recursive-descent reader of the same grammar first (fast-parser.ts), which leaves
// anything else to nearley.

import nearley from "nearley";
import { errResult, okResult, type Diagnostic, type Result, type Source } from "../diagnostics/diagnostic.js";
import grammar from "./grammar.js";
import { describeExpected, type Token } from "./lexer.js";
import { fastParse } from "./fast-parser.js";
import type { SExpr, Span, Statement } from "./surface.js";

/** Nesting deeper than this is refused with a `limit` error before it can exhaust the stack. */
export const MAX_NESTING = 1000;
/** Input longer than this is refused with a `limit` error. */
export const MAX_INPUT_CHARS = 200_000;

export type StartSymbol = "program" | "expr";

const grammars = new Map<StartSymbol, nearley.Grammar>();
function grammarFor(start: StartSymbol): nearley.Grammar {
  let g = grammars.get(start);
  if (!g) {
    g = nearley.Grammar.fromCompiled(grammar as unknown as nearley.CompiledRules);
    g.start = start;
    grammars.set(start, g);
  }
  return g;
}

interface ParserState {
  rule: { symbols: Array<string | { type?: string; literal?: string; test?: unknown }> };
  dot: number;
}

/** What the parser could accept at its current column. */
function expectedAt(parser: nearley.Parser): string[] {
  const table = (parser as unknown as { table: Array<{ scannable: ParserState[] }>; current: number }).table;
  const column = table[(parser as unknown as { current: number }).current];
  const seen = new Set<string>();
  for (const state of column?.scannable ?? []) {
    const sym = state.rule.symbols[state.dot];
    if (sym && typeof sym === "object" && sym.type !== "hole") seen.add(describeExpected(sym));
  }
  return summarizeExpected([...seen]);
}

const EXPRESSION_STARTS = ["a name", "a number", "'('", "'|'", "'-'", "'+'"];

/** Fold the tokens that can start an expression into "an expression", and order the rest. */
function summarizeExpected(items: string[]): string[] {
  const set = new Set(items);
  const out: string[] = [];
  if (EXPRESSION_STARTS.every((s) => set.has(s))) {
    out.push("an expression");
    for (const s of EXPRESSION_STARTS) set.delete(s);
  }
  return [...out, ...[...set].sort()];
}

function spanAt(text: string, offset: number, length: number, line: number, col: number): Span {
  return { start: offset, end: Math.min(text.length, offset + Math.max(1, length)), line, col };
}

function endSpan(text: string): Span {
  const lines = text.split("\n");
  const line = lines.length;
  const col = (lines[line - 1] ?? "").length + 1;
  return { start: text.length, end: text.length + 1, line, col };
}

/** Refuse pathological nesting before the parser or any tree walk can overflow the stack. */
export interface ParseLimits {
  nesting: number;
  chars: number;
}

const INPUT_LIMITS: ParseLimits = { nesting: MAX_NESTING, chars: MAX_INPUT_CHARS };

function checkLimits(text: string, source: Source, limits: ParseLimits): Diagnostic | undefined {
  const MAX_NESTING = limits.nesting;
  if (text.length > limits.chars) {
    return { kind: "limit", message: `input is ${text.length} characters; the limit is ${limits.chars}`, source };
  }
  let depth = 0;
  let prefixRun = 0;
  let line = 1;
  let col = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    if (c === "-" || c === "+") prefixRun++;
    else if (c !== " " && c !== "(") prefixRun = 0;
    if (depth > MAX_NESTING || prefixRun > MAX_NESTING) {
      return {
        kind: "limit",
        message: `expression nested more than ${MAX_NESTING} levels deep`,
        source,
        span: spanAt(text, i, 1, line, col),
        hint: "name an inner part with a definition (K = ...) and use the name",
      };
    }
    if (c === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return undefined;
}

function run<T>(start: StartSymbol, text: string, source: Source, limits = INPUT_LIMITS): Result<T> {
  const limit = checkLimits(text, source, limits);
  if (limit) return errResult(limit);
  // the common case, read in linear time; nearley decides everything else and reports every error
  const fast = fastParse(start, text);
  if (fast !== undefined) return okResult(fast as T);
  return runNearley<T>(start, text, source);
}

/** The grammar of record: nearley's Earley parser, with expected tokens read from its table. */
export function runNearley<T>(start: StartSymbol, text: string, source: Source): Result<T> {
  const parser = new nearley.Parser(grammarFor(start));
  try {
    parser.feed(text);
  } catch (e) {
    const token = (e as { token?: Token }).token;
    if (!token) throw e;
    const span = spanAt(text, token.offset, token.text.length, token.line, token.col);
    if (token.type === "error") {
      const ch = token.text.codePointAt(0) ?? 0;
      const shown = ch < 32 || ch === 127 ? `\\x${ch.toString(16).padStart(2, "0")}` : String.fromCodePoint(ch);
      return errResult({ kind: "syntax", message: `unexpected character '${shown}'`, source, span: { ...span, end: span.start + 1 }, expected: expectedAt(parser) });
    }
    const what = token.type === "nl" ? "end of line" : `'${token.text}'`;
    return errResult({ kind: "syntax", message: `unexpected ${what}`, source, span, expected: expectedAt(parser) });
  }
  const results = parser.results as T[];
  if (results.length === 0) {
    return errResult({ kind: "syntax", message: "unexpected end of input", source, span: endSpan(text), expected: expectedAt(parser) });
  }
  if (results.length > 1) {
    const first = JSON.stringify(results[0]);
    if (results.some((r) => JSON.stringify(r) !== first)) {
      return errResult({
        kind: "syntax",
        message: "ambiguous use of |...|",
        source,
        hint: "write det(...) or abs(...) explicitly",
      });
    }
  }
  return okResult(results[0]!);
}

export function parseProgram(text: string, source: Source = { name: "input", text }): Result<Statement[]> {
  return run<Statement[]>("program", text, source);
}

/** `limits` defaults to those of user input; rereading the engine's own output may allow more. */
export function parseExpression(text: string, source: Source = { name: "expression", text }, limits = INPUT_LIMITS): Result<SExpr> {
  return run<SExpr>("expr", text, source, limits);
}
