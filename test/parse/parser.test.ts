// Parser: many spellings map to one tree; errors pin line, column and what was expected.
import { describe, expect, it } from "vitest";
import { parseExpression, parseProgram } from "../../src/parse/parser.js";
import { problem } from "../helpers.js";

const DECLS = "X : matrix(n,n); A : matrix(n,n); B : matrix(n,n); x : vector(n); a : scalar; b : scalar; c : scalar; S : spd(n)";

/** The core expression of `grad EXPR wrt X` (interned: equal trees are the same object). */
function core(expr: string) {
  return problem(`${DECLS}\ngrad ${expr} wrt X`).queries[0]!.expr;
}

describe("spellings that mean the same", () => {
  const SAME: Array<[string, string[]]> = [
    ["tr(X')", ["tr(Xᵀ)", "trace(X')"]],
    ["tr(inv(X))", ["tr(X⁻¹)", "tr(X^-1)", "tr(X^(-1))"]],
    ["sum(A.*X)", ["sum(A⊙X)", "sum(X .* A)"]],
    ["logdet(S)", ["ln|S|", "log|S|", "log(det(S))", "ln(det(S))"]],
    ["det(X)", ["|X|"]],
    ["-a^2", ["-(a^2)"]],
    ["a^-1", ["1/a"]],
    ["a + b*c", ["a + (b*c)", "(c*b) + a"]],
    ["A : B*X", ["A : (B*X)", "tr(A'*B*X)"]],
    ["x'*X*x", ["(X'*x)'*x", "x'*X'*x"]],
    ["a*b - c", ["-c + b*a", "+a*b-c"]],
    // the glyphs unicode answers print read back (a unicode answer can be pasted in)
    ["a/2 + a^2 - tr(X^-2)", ["½*a + a² − tr(X⁻²)", "a*½ + a*a - tr(X⁻¹*X⁻¹)"]],
    ["tr(inv(X)'*A) + a^3/3", ["tr(X⁻ᵀ*A) + ⅓*a³"]],
    ["pi*a + x'*ones(n)", ["π*a + x'*𝟏", "a*π + 𝟏ᵀ*x"]],
    ["sum(x ./ (x .* x))", ["sum(x ⊘ (x ⊙ x))"]],
  ];
  for (const [canonical, others] of SAME) {
    for (const o of others) {
      it(`${o}  ≡  ${canonical}`, () => {
        expect(core(o)).toBe(core(canonical));
      });
    }
  }

  it("𝟏 takes its length from where it stands, and says so when nothing fixes it", () => {
    expect(() => problem("x : vector(n)\ngrad sum(𝟏) wrt x")).toThrow(/the length of 𝟏 cannot be inferred here/);
  });

  it("reads a frobenius sum as (G : dX) + (H : dX)", () => {
    const r = parseExpression("G : X + H : X");
    expect(r.ok && r.value.type === "binary" && r.value.op).toBe("+");
  });

  it("accepts ';' and new lines, comments and blank lines between statements", () => {
    const a = parseProgram("# a comment\nx : vector(n)\n\n; A : matrix(n, n) # trailing\ngrad x'*A*x wrt x\n");
    expect(a.ok && a.value.map((s) => s.type)).toEqual(["decl", "decl", "query"]);
  });

  it("accepts Unicode names and parameterised declarations", () => {
    const a = parseProgram("θ : scalar; Σ(θ) : spd(N); μ : vector(N); sigma_n : scalar; x1 : vector(N)");
    expect(a.ok && a.value.length).toBe(5);
  });
});

describe("syntax errors say where and what was expected", () => {
  const CASES: Array<[input: string, line: number, column: number, message: RegExp, expected: string[]]> = [
    ["x'*A*", 1, 6, /unexpected end of input/, ["an expression"]],
    ["(a + b", 1, 7, /unexpected end of input/, ["')'"]],
    ["a + * b", 1, 5, /unexpected '\*'/, ["an expression"]],
    ["A : B : C", 1, 7, /unexpected ':'/, []],
    ["a $ b", 1, 3, /unexpected character '\$'/, []],
  ];
  for (const [input, line, column, message, expected] of CASES) {
    it(JSON.stringify(input), () => {
      const r = parseExpression(input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.kind).toBe("syntax");
      expect(r.error.message).toMatch(message);
      expect([r.error.span?.line, r.error.span?.col]).toEqual([line, column]);
      for (const e of expected) expect(r.error.expected).toContain(e);
    });
  }

  it("points into the right line of a problem file", () => {
    const r = parseProgram("x : vector(n)\nA : matrix(n, n)\ngrad x'*A* wrt x\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.span?.line, r.error.span?.col]).toEqual([3, 12]);
    expect(r.error.message).toMatch(/unexpected 'wrt'/);
  });

  it("lists the types after a declaration's colon", () => {
    const r = parseProgram("X : matrx(n, m)");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.expected).toEqual(expect.arrayContaining(["'matrix'", "'scalar'", "'spd'", "'symmetric'", "'vector'"]));
  });

  it("refuses nesting beyond the limit with a limit error instead of overflowing", () => {
    const r = parseExpression(`${"(".repeat(10_000)}a${")".repeat(10_000)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe("limit");
  });
});

describe("numbers next to elementwise operators", () => {
  it("reads 2./x, 2.*x and 2.^x as elementwise operators, 2.5 as a number", () => {
    for (const [text, op] of [["2./x", "./"], ["2.*x", ".*"], ["2.^x", ".^"]] as const) {
      const r = parseExpression(text);
      expect(r.ok && r.value.type === "binary" && r.value.op).toBe(op);
    }
    const n = parseExpression("2.5");
    expect(n.ok && n.value.type === "num" && n.value.text).toBe("2.5");
  });
});
