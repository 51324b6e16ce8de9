// The fast reader's scanner (src/parse/scan.ts) reads some tokens by hand and hands the rest to
// moo: its tokens must be moo's, field for field, on any text (an error token included, after
// which the reader gives up).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { makeLexer } from "../../src/parse/lexer.js";
import { Scanner } from "../../src/parse/scan.js";

const FIELDS = ["type", "value", "text", "offset", "lineBreaks", "line", "col"] as const;

function tokens(next: () => unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let t = next() as Record<string, unknown> | undefined; t; t = next() as Record<string, unknown> | undefined) {
    out.push(Object.fromEntries(FIELDS.map((f) => [f, t![f]])));
    if (t["type"] === "error") break;
  }
  return out;
}

const lexer = makeLexer();
const scanner = new Scanner();

function sameTokens(text: string): number {
  lexer.reset(text);
  const reference = tokens(() => lexer.next());
  scanner.reset(text);
  expect(tokens(() => scanner.next()), JSON.stringify(text)).toEqual(reference);
  return reference.length;
}

const root = new URL("../../", import.meta.url).pathname;

describe("scanner ≡ moo", () => {
  it("on every example problem", () => {
    const dir = `${root}examples/`;
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".matdiff"))) n += sameTokens(readFileSync(dir + f, "utf8"));
    expect(n).toBeGreaterThan(500);
  });

  it("on the cases where a token is moo's to read", () => {
    const texts = [
      "2.5*x + .5 - 1e-3 + 2E+4 + 3.e2 + 2./x + 2.*x + 2.^x", // decimals, exponents, dot operators
      "Xᵀ*X⁻¹ + X⁻ᵀ + x² + ½x + Aᵀ⊙B ⊘ C ⊗ D − E", // the glyphs unicode answers print
      "β_1 + αβ + xβ + x𝟏 + 𝟏ᵀx + σ²", // names that go on past ASCII, and 𝟏
      "x\t+\ty\r\n# a comment\n  z # another", // tabs, carriage returns, comments
      "?H + x ? y $ 1", // a pattern variable, then characters no rule reads
      "?X + ?Y1*?_z - ?Xβ + ??a + ?1 + ?", // holes (read by hand: ASCII only, so ?Xβ is ?X then β)
      "grad tr(A*X) wrt X\nA : matrix(n, m)\nS : spd(n)\nK = A*A' + I", // keywords and functions
      "", "   ", "\n\n", "x", "12", "12x", "x12", "_a_1",
    ];
    for (const t of texts) sameTokens(t);
  });

  it("on random text", () => {
    const piece = fc.constantFrom(
      "x", "X1", "_", "e", "E", "2", "10", ".", "5", "+", "-", "*", "/", "^", "'", "(", ")", ",", ";", ":", "=", "|",
      " ", "\n", "\t", "\r", "#c", "?", "ᵀ", "⁻", "¹", "²", "½", "𝟏", "β", "−", "⊘", "⊙", "tr", "grad", "wrt", "matrix",
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }), (ps) => void sameTokens(ps.join(""))), { numRuns: 5000, seed: 3 });
  });
});
