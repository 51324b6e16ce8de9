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

/** Edit distance where swapping two adjacent letters is one edit (Sigam -> Sigma). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
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
