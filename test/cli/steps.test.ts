// --steps: the derivation as a sequence of equalities, each naming the identities it used.
import katex from "katex";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";

const example = fileURLToPath(new URL("../../examples/gplvm.matdiff", import.meta.url));


describe("--steps on the GPLVM seed", () => {
  it("shows dℓ with the log-det and inverse identities, dK, the Frobenius moves and the read-off", async () => {
    const r = await cli(["run", example, "--steps"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const line = (start: RegExp) => lines.find((l) => start.test(l)) ?? "";
    expect(line(/^l +=/)).toContain("−½(tr(K⁻¹YYᵀ) + D log|K|)");
    expect(line(/^dl +=/)).toMatch(/d-logdet/);
    expect(line(/^dl +=/)).toMatch(/d-inv/);
    expect(lines).toContain("      = ½(K⁻¹YYᵀK⁻¹ − D K⁻¹) : dK    [frob-trace, frob-left, frob-right]");
    expect(line(/^dK +=/)).toBe("dK    = Z dZᵀ + dZ Zᵀ    [d-linearity, d-product, d-transpose]");
    expect(lines).toContain("      = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z : dZ    [frob-left, frob-transpose, frob-right]");
    expect(line(/^∂l\/∂Z/)).toBe("∂l/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z    [read-off]");
    // each identity is stated once with its source
    expect(r.stdout).toContain("d-logdet: d log|X| = tr(X⁻¹ dX) (Matrix Cookbook (2012) eq. (57))");
    expect(r.stdout).toContain("d-inv: d(X⁻¹) = −X⁻¹ dX X⁻¹ (Matrix Cookbook (2012) eq. (59))");
  });

  it("LaTeX: an align environment that KaTeX renders", async () => {
    const r = await cli(["run", example, "--steps", "--format", "latex"]);
    const tex = r.stdout.slice(r.stdout.indexOf("\\begin{align}"), r.stdout.indexOf("\\end{align}") + "\\end{align}".length);
    expect(tex).toMatch(/^\\begin\{align\}/);
    expect(tex).toContain("\\mathrm{d}K &= ");
    expect(() => katex.renderToString(tex, { displayMode: true, throwOnError: true })).not.toThrow();
  });

  it("JSON and batch: steps with the rules' statements and citations", async () => {
    const line = JSON.stringify({
      id: "s",
      decls: { Y: "matrix(N,D)", Z: "matrix(N,Q)", beta: "scalar" },
      defs: ["K = Z*Z' + 1/beta*I"],
      expr: "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')",
      wrt: "Z",
      steps: true,
    });
    const out = JSON.parse((await cli(["batch"], line)).stdout);
    const steps = out.results[0].steps as Array<{ lhs: { plain: string }; rules: Array<{ id: string; cite: string }> }>;
    expect(steps.map((s) => s.lhs.plain)).toEqual(["f", "d(f)", "", "d(K)", "d(f)", "", "grad(f, Z)"]);
    expect(steps[1]!.rules.find((r) => r.id === "d-logdet")!.cite).toBe("Matrix Cookbook (2012) eq. (57)");
  });

  it("the steps' final line is the answer, which --check verifies", async () => {
    const r = await cli(["grad", "1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)", "--wrt", "S", "-d", "y : vector(n); m : vector(n); S : spd(n)", "--steps", "--check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("∂f/∂S = ½(S⁻¹ − S⁻¹(y − m)(y − m)ᵀS⁻¹)");
    expect(r.stdout).toMatch(/check: passed/);
  });
});

describe("--steps for jacobian, hessian and differential", () => {
  const CASES: Array<[kind: string, expr: string, decls: string, wrt: string, lets: string[], last: RegExp]> = [
    ["differential", "logdet(K)", "Z : matrix(N,Q); beta : scalar", "Z", ["K = Z*Z' + 1/beta*I"], /^dF = /],
    ["jacobian", "s", "W : matrix(k,d); x : vector(d)", "x", ["s = softmax(W*x)"], /^J_x = /],
    ["hessian", "tr(X'*A*X)", "X : matrix(n,m); A : matrix(n,n)", "X", [], /^H_X +=/],
  ];
  for (const [kind, expr, decls, wrt, lets, last] of CASES) {
    it(`${kind} ${expr}: the differential, each definition's, the read-off; its last line is the checked answer`, async () => {
      const args = [kind, expr, "--wrt", wrt, "-d", decls, ...lets.flatMap((l) => ["--let", l])];
      const plain = await cli([...args, "--check"]);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toMatch(/check: passed/);
      const answer = plain.stdout.split("\n")[0]!.replace(/^\S+ = /, "");
      const r = await cli([...args, "--steps"]);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.split("\n");
      const name = /^(\S+) +=/.exec(lines[0]!)![1]!;
      expect(lines.some((l) => l.startsWith(`d${name} `))).toBe(true);
      const final = lines.filter((l) => last.test(l)).pop()!;
      expect(final.replace(/^\S+ += /, "").replace(/ {4}\[.*\]$/, "")).toBe(answer);
      expect(r.stdout).toContain("identities used:");
      const tex = (await cli([...args, "--steps", "--format", "latex"])).stdout;
      expect(() => katex.renderToString(tex.slice(tex.indexOf("\\begin{align}"), tex.indexOf("\\end{align}") + 11), { displayMode: true, throwOnError: true })).not.toThrow();
    });
  }

  it("a read-off through diag(·) of a differential names the diag identities; one without does not", async () => {
    const d = "x : vector(n); A : matrix(n,n); b : vector(n)";
    const through = await cli(["jacobian", "diag(A*x)*b", "--wrt", "x", "-d", d, "--steps"]);
    expect(through.stdout).toMatch(/^J_x = diag\(b\)A {4}\[vec-read-off, vec-diag\]$/m);
    expect(through.stdout).toMatch(/^ {2}vec-diag: vec\(diag\(dv\)\) = diag\(vec I\)/m);
    const plain = await cli(["jacobian", "A*x", "--wrt", "x", "-d", d, "--steps"]);
    expect(plain.stdout).toMatch(/^J_x = A {4}\[vec-read-off\]$/m);
    expect(plain.stdout).not.toContain("vec-diag");
  });

  it("a differential through definitions substitutes each dK, latest definition first", async () => {
    const r = await cli(["differential", "logdet(K)", "--wrt", "Z", "-d", "Z : matrix(N,Q); beta : scalar", "--let", "K = Z*Z' + 1/beta*I", "--steps"]);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual([
      "F  = log|K|",
      "dF = tr(K⁻¹dK)    [d-logdet]",
      "dK = Z dZᵀ + dZ Zᵀ    [d-linearity, d-product, d-transpose]",
      "dF = tr(K⁻¹(Z dZᵀ + dZ Zᵀ))    [d-substitution]",
    ]);
  });
});
