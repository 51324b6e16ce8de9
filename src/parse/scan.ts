// The fast reader's tokens: the same tokens as the lexer's (moo, src/parse/lexer.ts), read by hand
// where that is trivial and by moo itself everywhere else.
//
// Why: moo matches everything but its one-character table with one large regular expression,
// whose match array per token, with the work to find the group that matched, is about a tenth of
// a 10,000-node problem's time (its input and the read-back of its answer are most of their
// tokens in names and operators). Here the common ASCII tokens (names, whole numbers, one-character
// operators, spaces, new lines, comments, the ?X holes of rule templates) are read with character
// tests, so that most processes never build moo at all; any other character (a decimal point, an
// exponent, a tab, every non-ASCII character) hands the token that starts there to moo, set to
// that position. So the rules have one definition, and what moo would read
// from any position is what is read. A test compares both token streams on every example, on
// cases that are moo's to read, and on random text (test/parse/scan.test.ts).

import type moo from "moo";
import { tick } from "../budget.js";
import { isSkipped, mooLexer, nameType, readGlyph, SINGLE_CHAR_OPS, type Token } from "./lexer.js";

/**
 * Where moo keeps its place (moo 0.5.3, the pinned version: Lexer.prototype.next reads `index`
 * and _token advances `index`, `line` and `col`); setting them starts the next token there.
 */
interface MooPosition {
  index: number;
  line: number;
  col: number;
}

/** ASCII characters by what they may be here. */
const OTHER = 0;
const NAME_START = 1; // A-Z a-z _
const DIGIT = 2;
const OPERATOR = 3; // the one-character operators of the lexer's table that are ASCII
const SPACE = 4;
const NEWLINE = 5;

const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) CLASS[c] = NAME_START;
for (let c = 97; c <= 122; c++) CLASS[c] = NAME_START;
CLASS[95] = NAME_START;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const op of SINGLE_CHAR_OPS) if (op.charCodeAt(0) < 128) CLASS[op.charCodeAt(0)] = OPERATOR;
CLASS[32] = SPACE;
CLASS[10] = NEWLINE;

const DOT = 46;
const QUESTION = 63;
const HASH = 35;
const LOWER_E = 101;
const UPPER_E = 69;

/** A character code's class; every non-ASCII character is OTHER. */
function classOf(c: number): number {
  return c < 128 ? CLASS[c]! : OTHER;
}

/** Classes that go on an ASCII name (after its first character) and an ASCII whole number. */
const continuesName = (k: number) => k === NAME_START || k === DIGIT;
const continuesNumber = (k: number) => k === DIGIT;

// moo's tokens carry this too (nearley prints tokens with it); same fields in the same order, so
// hand-read and moo-read tokens share one object layout
function tokenToString(this: Token): string {
  return this.value;
}

export class Scanner {
  private text = "";
  private index = 0;
  private line = 1;
  private col = 1;
  /**
   * moo, made on the first token that is its to read: most input is read without it, and building
   * its one large regular expression (and compiling it on its first match) costs a process a
   * millisecond or two.
   */
  private moo: moo.Lexer | undefined = undefined;

  reset(text: string): this {
    this.text = text;
    this.index = 0;
    this.line = 1;
    this.col = 1;
    return this;
  }

  /** The next token that is not white space or a comment, or undefined at the end. */
  next(): Token | undefined {
    tick(); // a parse counts against the query's time budget too
    const text = this.text;
    for (;;) {
      const start = this.index;
      if (start >= text.length) return undefined;
      const c0 = text.charCodeAt(start);
      const kind = classOf(c0);
      if (kind === SPACE) {
        this.index++;
        this.col++;
        continue;
      }
      if (kind === OPERATOR) return this.token("op", text[start]!, start);
      if (c0 === HASH) {
        // a comment, to the end of its line (skipped, as the lexer's comment rule is)
        const nl = text.indexOf("\n", start);
        const end = nl < 0 ? text.length : nl;
        this.index = end;
        this.col += end - start;
        continue;
      }
      if (c0 === QUESTION && start + 1 < text.length && classOf(text.charCodeAt(start + 1)) === NAME_START) {
        // a rule template's hole, ?X: the lexer's rule is ASCII only, so it ends where the ASCII name does
        let end = start + 2;
        while (end < text.length && continuesName(classOf(text.charCodeAt(end)))) end++;
        return this.token("hole", text.slice(start, end), start);
      }
      if (kind === NEWLINE) {
        const t = this.token("nl", "\n", start);
        t.lineBreaks = 1;
        this.line++;
        this.col = 1;
        return t;
      }
      if (kind === NAME_START || kind === DIGIT) {
        const continues = kind === NAME_START ? continuesName : continuesNumber;
        let end = start + 1;
        while (end < text.length && continues(classOf(text.charCodeAt(end)))) end++;
        // a name may go on in a non-ASCII letter or digit; a number in a decimal point or an exponent
        const c = end < text.length ? text.charCodeAt(end) : -1;
        const ends = kind === NAME_START ? c < 128 : c !== DOT && c !== LOWER_E && c !== UPPER_E;
        if (ends) {
          const word = text.slice(start, end);
          return this.token(kind === NAME_START ? nameType(word) : "number", word, start);
        }
      }
      const t = this.fromMoo(start);
      if (!isSkipped(t)) return t;
    }
  }

  private token(type: string, text: string, offset: number): Token & { lineBreaks: number } {
    const t = { type, value: text, text, toString: tokenToString, offset, lineBreaks: 0, line: this.line, col: this.col };
    this.index += text.length;
    this.col += text.length;
    return t;
  }

  /** The token moo reads at `start` (an error token runs to the end of the text). */
  private fromMoo(start: number): Token {
    // (the one moo lexer is shared with nearley's parser: it is pointed at this text each time)
    const lexer = (this.moo ??= mooLexer());
    lexer.reset(this.text);
    const position = lexer as unknown as MooPosition;
    position.index = start;
    position.line = this.line;
    position.col = this.col;
    const t = lexer.next() as moo.Token;
    this.index = position.index;
    this.line = position.line;
    this.col = position.col;
    readGlyph(t);
    return t as unknown as Token;
  }
}
