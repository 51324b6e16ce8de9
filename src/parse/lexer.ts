// The lexer (moo), wrapped so nearley never sees white space or comments.
// Keywords get token types of their own so `%name` never matches them and no literal in the
// grammar can match a user's name by its text.

import moo from "moo";
import { DIMENSION_FUNCTIONS, FUNCTIONS } from "./functions.js";
import { tick } from "../budget.js";

export const KEYWORDS = [
  "scalar",
  "positive",
  "integer",
  "simplex",
  "vector",
  "matrix",
  "symmetric",
  "spd",
  "grad",
  "jacobian",
  "hessian",
  "differential",
  "wrt",
] as const;

/** The token type of a name's text: a keyword's own type, `fn` for a function name, else `name`. */
const NAME_TYPES = new Map<string, string>();
for (const k of KEYWORDS) NAME_TYPES.set(k, `kw_${k}`);
// function names get a token type of their own: only they may open a bar call such as log|K|
for (const f of [...FUNCTIONS.keys(), ...DIMENSION_FUNCTIONS]) NAME_TYPES.set(f, "fn");

export function nameType(text: string): string {
  return NAME_TYPES.get(text) ?? "name";
}

// ᵀ (U+1D40) is a modifier letter in Unicode, so it is excluded from names explicitly;
// superscript digits are not decimal digits (\p{Nd}), so X⁻¹ lexes as X then ⁻¹.
const NAME = /(?:(?!ᵀ)[\p{L}_])(?:(?!ᵀ)[\p{L}\p{Nd}_])*/u;

/**
 * Operators of one character that begin no longer token. Rules that are lone characters and come
 * before every regular expression are looked up by moo in a table by character code; everything
 * else runs moo's combined regular expression, which allocates a match array per token (a sixth of
 * all the memory a 10,000-node problem used, before this table).
 */
export const SINGLE_CHAR_OPS = ["'", "ᵀ", "⊙", "⊘", "⊗", "+", "-", "−", "*", "/", "^", ":", "=", "(", ")", ",", ";", "|"];

const rules: moo.Rules = {
  // the table's rules: they must stay first (moo stops filling the table at the first regex)
  op1: { match: SINGLE_CHAR_OPS, type: () => "op" },
  nl: { match: "\n", lineBreaks: true },
  space: { match: " ", type: () => "ws" },
  ws: /[ \t\r\f\v\u00a0]+/u,
  comment: /#[^\n]*/u,
  // `2./x` is 2 ./ x (as in MATLAB): a dot followed by * / ^ belongs to the operator
  number: /(?:\d+(?:\.(?![*/^])\d*)?|\.\d+)(?:[eE][+-]?\d+)?/u,
  hole: /\?[A-Za-z_][A-Za-z0-9_]*/u,
  // 𝟏 (a vector of ones, its size inferred like I's) is a digit in Unicode but a name here
  name: [{ match: NAME, type: nameType }, { match: "𝟏", type: () => "name" }],
  // the glyphs unicode answers print, so an answer can be pasted back: ½x, x², X⁻², X⁻ᵀ
  fraction: /[½⅓⅔¼¾⅕⅙⅛]/u,
  sup: /⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+/u,
  op: [".*", "./", ".^", "⁻ᵀ"],
  error: moo.error,
};


export interface Token {
  type: string;
  value: string;
  text: string;
  offset: number;
  line: number;
  col: number;
}

/** Operators as unicode answers print them, and the ASCII operator each one is. */
const GLYPHS: Partial<Record<string, string>> = { "−": "-", "⊘": "./" };

/** What the parsers see of a raw token: white space and comments dropped, glyphs read as operators. */
export function isSkipped(t: { type?: string }): boolean {
  return t.type === "ws" || t.type === "comment";
}

export function readGlyph(t: { type?: string; text: string; value: string }): void {
  if (t.type === "op" && GLYPHS[t.text]) {
    // the glyphs matdiff prints read back as the operators they stand for (spans keep the glyph's place)
    t.text = GLYPHS[t.text]!;
    t.value = t.text;
  }
}

/**
 * The compiled rules, one for the whole process: moo builds one large regular expression, and the
 * fast reader and nearley each wanting one cost two builds at every start. They share its state,
 * which is safe because a parse runs to its end (or the reader gives up, and is dropped) before
 * the other starts with its own reset.
 */
let compiled: moo.Lexer | undefined;

/** The one compiled moo lexer (raw: white space and comments included). */
export function mooLexer(): moo.Lexer {
  return (compiled ??= moo.compile(rules));
}

/**
 * The moo lexer that drops white space and comments, with nearley's lexer interface. moo itself is
 * built at the first reset: the grammar makes this lexer when it is loaded, and most processes
 * never run nearley (the fast reader parses all but bad input).
 */
export function makeLexer(): moo.Lexer {
  let lexer: moo.Lexer | undefined;
  const base = (): moo.Lexer => (lexer ??= mooLexer());
  const wrapped = {
    next: () => {
      tick(); // a parse counts against the query's time budget too
      for (;;) {
        const t = base().next();
        if (t) readGlyph(t);
        if (!t || !isSkipped(t)) return t;
      }
    },
    reset: (chunk?: string, state?: moo.LexerState) => {
      base().reset(chunk, state);
      return wrapped;
    },
    save: () => base().save(),
    // (what moo 0.5.3 answers for every type; the grammar asks at load, before moo is built)
    has: (_type: string) => true,
    formatError: (t: moo.Token, m?: string) => base().formatError(t, m),
  } as unknown as moo.Lexer;
  return wrapped;
}

/** Display name of a token type or literal, for "expected ..." lists. */
export function describeExpected(sym: { type?: string; literal?: string }): string {
  if (sym.literal !== undefined) return `'${sym.literal}'`;
  switch (sym.type) {
    case "name":
    case "fn":
      return "a name";
    case "number":
      return "a number";
    case "nl":
      return "a new line";
    case "hole":
      return "a pattern variable";
    case "fraction":
      return "a number";
    case "sup":
      return "a superscript power";
    case undefined:
      return "something else";
    default:
      if (sym.type.startsWith("kw_")) return `'${sym.type.slice(3)}'`;
      return sym.type;
  }
}
