// Errors a user can cause are values: a Diagnostic says what went wrong, where, and what was
// expected. Exceptions are for bugs (kind "internal").

import type { Span } from "../parse/surface.js";

export type ErrorKind = "syntax" | "unknown-name" | "shape" | "unsupported" | "limit" | "internal";

/** The text an error points into: the problem file, the EXPR argument, a -d option, a JSON field. */
export interface Source {
  name: string;
  text: string;
}

export interface Diagnostic {
  kind: ErrorKind;
  message: string;
  source?: Source;
  span?: Span;
  /** For syntax errors: what the parser could have accepted at that point. */
  expected?: string[];
  /** A suggestion: "did you mean ...", "write A*inv(B)". */
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Diagnostic };

export const okResult = <T>(value: T): Result<T> => ({ ok: true, value });
export const errResult = <T>(error: Diagnostic): Result<T> => ({ ok: false, error });

/** Thrown inside deep recursions (differentiation, resolution) and turned into a value at the API. */
export class UserError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export function fail(kind: ErrorKind, message: string, extra: Partial<Diagnostic> = {}): never {
  throw new UserError({ kind, message, ...extra });
}

/** Line and column (1-based) of an offset in a text. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  // one-letter names are all one edit apart: suggesting among them is noise
  const limit = name.length <= 1 ? 0 : Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}
