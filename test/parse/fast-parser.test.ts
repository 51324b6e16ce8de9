// The recursive-descent reader (src/parse/fast-parser.ts) must give exactly nearley's tree where it
// answers, and must never answer where nearley reports an error: on every example and corpus
// problem, on random expressions of the grammar, and on random token soup.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fastParse } from "../../src/parse/fast-parser.js";
import { parseProgram, runNearley, type StartSymbol } from "../../src/parse/parser.js";

function agree(start: StartSymbol, text: string): "fast" | "nearley" {
  const reference = runNearley<unknown>(start, text, { name: "t", text });
  const fast = fastParse(start, text);
  if (fast === undefined) return "nearley";
  // answering where nearley fails would hide an error message: never
  expect(reference.ok, `fast parser accepted what nearley refuses: ${JSON.stringify(text)}`).toBe(true);
  if (reference.ok) expect(fast).toEqual(reference.value);
  return "fast";
}

const root = new URL("../../", import.meta.url).pathname;

describe("fast parser ≡ nearley", () => {
  it("on every example problem (and it reads them all itself)", () => {
    const dir = `${root}examples/`;
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".matdiff"))) {
      expect(agree("program", readFileSync(dir + f, "utf8")), f).toBe("fast");
    }
  });

  it("on every expression, declaration and definition of the shared corpus", () => {
    const file = `${root}../shared/corpus/gradients.json`;
    if (!existsSync(file)) return expect.fail(`corpus missing at ${file}`);
    const cases = JSON.parse(readFileSync(file, "utf8")) as Array<{ expr: string; decls: Record<string, string>; defs?: string[] }>;
    let fast = 0;
    for (const c of cases) {
      if (agree("expr", c.expr) === "fast") fast++;
      for (const [n, t] of Object.entries(c.decls)) agree("program", `${n} : ${t}`);
      for (const d of c.defs ?? []) agree("program", d);
    }
    // only expressions with |...| are left to nearley
    expect(fast).toBe(cases.filter((c) => !c.expr.includes("|")).length);
  });

  it("on errors it gives up, so the message is nearley's", () => {
    for (const bad of ["x +", "A : B : C", "f(x,)", "(x", "x'' y", "X^", "grad x", "x : vector(n", "x : matrix(n)", "2 x", "x ; y"]) {
      expect(fastParse("expr", bad)).toBeUndefined();
      expect(runNearley("expr", bad, { name: "t", text: bad }).ok).toBe(false);
    }
    expect(parseProgram("x : vector(n\ngrad x'*x wrt x").ok).toBe(false);
  });

  it("on random expressions of the grammar", () => {
    const leaf = fc.constantFrom("x", "X", "A1", "sigma_n", "β", "2", "0.5", "1e-3", "?H", "I", "tr", "pi", "π", "𝟏", "½", "⅔");
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.tuple(tie("e"), fc.constantFrom("+", "-", "−", "*", "/", ".*", "⊙", "./", "⊘", "⊗", "^", ".^", ":"), tie("e")).map(([a, op, b]) => `${a} ${op} ${b}`),
        fc.tuple(fc.constantFrom("-", "+", "−"), tie("e")).map(([op, a]) => `${op}${a}`),
        fc.tuple(tie("e"), fc.constantFrom("'", "ᵀ", "⁻¹", "⁻ᵀ", "²", "⁻²", "¹⁰")).map(([a, op]) => `${a}${op}`),
        tie("e").map((a) => `(${a})`),
        fc.tuple(fc.constantFrom("tr", "inv", "exp", "f", "kron"), fc.array(tie("e"), { minLength: 1, maxLength: 3 })).map(([f, as]) => `${f}(${as.join(", ")})`),
        tie("e").map((a) => `${a}^-1`),
      ),
    })).e;
    fc.assert(fc.property(expr, (text) => void agree("expr", text)), { numRuns: 3000, seed: 11 });
  });

  it("on random token soup (statements included)", () => {
    const token = fc.constantFrom("x", "n", "2", "½", "²", "⁻¹", "𝟏", "+", "-", "*", ":", "'", "(", ")", ",", ";", "\n", "=", "^", "grad", "wrt", "vector", "matrix", "scalar", "spd", "tr", "# c\n", " ");
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (ts) => {
        const text = ts.join(" ");
        agree("program", text);
        agree("expr", text);
      }),
      { numRuns: 5000, seed: 5 },
    );
  });
});
