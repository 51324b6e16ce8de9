// The printed answers that were wrong while --check passed: a lost numeric factor, ones products
// dropped, gradients printed as scalars. Each now prints the right formula, the printed text is
// verified by `matdiff check`, and LaTeX with `where` definitions renders.
import katex from "katex";
import { describe, expect, it } from "vitest";
import { cli } from "../cli/run-cli.js";

const CASES = [
  {
    expr: "((0.5*a - cos(b)) .* (u*a))'*(u*C*c + diag(S))",
    wrt: "u",
    decls: "a : vector(n); b : vector(n); u : scalar; S : spd(n); C : matrix(n,m); c : vector(m)",
  },
  { expr: "sum(((X' - X) - s*X)*a)", wrt: "X", decls: "X : matrix(n,n); s : scalar; a : vector(n)" },
  {
    expr: "(logdet(S + b*b') - 1/(1 + (0.5*s)^2))*(sum(x + a) - c'*(c .* c))",
    wrt: "x",
    decls: "S : spd(n); b : vector(n); s : scalar; x : vector(n); a : vector(n); c : vector(m)",
  },
  { expr: "sum(x) + s*sum(x)", wrt: "x", decls: "x : vector(n); s : scalar" },
  { expr: "sum(Y - a'*b*Y)", wrt: "Y", decls: "Y : matrix(n,m); a : vector(k); b : vector(k)" },
];

describe("answers that printed wrong", () => {
  for (const c of CASES) {
    it(`${c.expr} wrt ${c.wrt}: the printed plain answer passes --check and matdiff check`, async () => {
      const r = await cli(["grad", c.expr, "--wrt", c.wrt, "-d", c.decls, "--format", "json", "--check", "--points", "5"]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { results: Array<{ plain: string; shape: [string, string] }>; check: { ok: boolean } };
      expect(json.check.ok).toBe(true);
      const [{ plain, shape }] = json.results as [{ plain: string; shape: [string, string] }];
      // the gradient has the variable's shape (not a scalar, not a row)
      expect(shape).toEqual(c.wrt === "x" ? ["n", "1"] : c.wrt === "u" ? ["1", "1"] : c.wrt === "X" ? ["n", "n"] : ["n", "m"]);
      const verdict = await cli(["check", c.expr, "--wrt", c.wrt, "-d", c.decls, "--grad", plain]);
      expect(verdict.code, verdict.stdout).toBe(0);
      expect(verdict.stdout).toMatch(/^right:/);
    });
  }

  it("keeps the factor ½ beside an elementwise function", async () => {
    const r = await cli(["grad", CASES[0]!.expr, "--wrt", "u", "-d", CASES[0]!.decls]);
    expect(r.stdout).toMatch(/^∂f\/∂u = −½/);
  });

  it("writes ones products explicitly: a𝟏ᵀ − (1 + s)𝟏aᵀ, never an n×n matrix minus a row", async () => {
    const r = await cli(["grad", CASES[1]!.expr, "--wrt", "X", "-d", CASES[1]!.decls, "--format", "plain"]);
    expect(r.stdout.trim()).toBe("a*ones(n)' - (ones(n) + s*ones(n))*a'");
  });
});

describe("LaTeX with engine definitions", () => {
  it("renders through KaTeX, `where` line included", async () => {
    const r = await cli(["run", "examples/gp-inputs-1d.matdiff", "--format", "latex"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("%"));
    const where = lines.filter((l) => l.includes("\\text{where }"));
    expect(where.length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/\t/);
    for (const l of lines) expect(() => katex.renderToString(l, { throwOnError: true, displayMode: true }), l).not.toThrow();
  });
});
