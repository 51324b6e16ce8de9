// matdiff check (a user's own gradient: right or wrong, with a diagnosis) and matdiff equal.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";


const GPLVM = ["-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')", "--wrt", "Z", "-d", "Y : matrix(N,D); Z : matrix(N,Q); beta : scalar", "--let", "K = Z*Z' + 1/beta*I"];
const check = (grad: string, problem = GPLVM) => cli(["check", ...problem, "--grad", grad]);

describe("matdiff check on the GPLVM seed", () => {
  it("exit 0 for K⁻¹YYᵀK⁻¹Z − D K⁻¹Z, proved symbolically and numerically", async () => {
    const r = await check("inv(K)*Y*Y'*inv(K)*Z - D*inv(K)*Z");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^right: your gradient agrees with matdiff's symbolically \(the same canonical form\) and numerically at 10 random points \(around 1, negative, small, large, mixed\)/);
  });

  it("exit 1 'off by a factor' for a halved answer, with the correct gradient", async () => {
    const r = await check("1/2*(inv(K)*Y*Y'*inv(K)*Z - D*inv(K)*Z)");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^WRONG: off by a factor of 1\/2/);
    expect(r.stdout).toContain("∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z");
  });

  it("exit 1 'missing term' naming the dropped term, 'wrong sign', 'extra term'", async () => {
    expect((await check("inv(K)*Y*Y'*inv(K)*Z")).stdout).toMatch(/^WRONG: missing term: −D K⁻¹Z/);
    expect((await check("inv(K)*Y*Y'*inv(K)*Z + D*inv(K)*Z")).stdout).toMatch(/^WRONG: wrong sign of the term −D K⁻¹Z/);
    expect((await check("inv(K)*Y*Y'*inv(K)*Z - D*inv(K)*Z + Z")).stdout).toMatch(/^WRONG: extra term: Z/);
  });

  it("exit 1 'transposed' for a transposed answer on the non-square problem", async () => {
    const r = await check("(inv(K)*Y*Y'*inv(K)*Z - D*inv(K)*Z)'");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^WRONG: transposed: yours is Q×N, but Z is N×Q; its transpose is right/);
  });
});

describe("matdiff check: other diagnoses", () => {
  it("transposed on a square problem", async () => {
    const r = await check("b*a'", ["a'*X*b", "--wrt", "X", "-d", "a : vector(n); b : vector(n); X : matrix(n,n)"]);
    expect(r.stdout).toMatch(/^WRONG: transposed: yours is the transpose of the correct gradient/);
  });

  it("the Matrix Cookbook's symmetric convention, and an unsymmetrised gradient", async () => {
    const sym = ["logdet(S) + tr(A*S)", "--wrt", "S", "-d", "S : spd(n); A : matrix(n,n)"];
    expect((await check("inv(S) + A' + inv(S)' + A - diag(diag(inv(S) + A'))", sym)).stdout).toMatch(/^WRONG: wrong symmetric convention: yours is the Matrix Cookbook's/);
    expect((await check("inv(S) + A'", sym)).stdout).toMatch(/^WRONG: wrong symmetric convention: yours is an unconstrained gradient/);
  });

  it("json output for tools", async () => {
    const r = await cli(["check", ...GPLVM, "--grad", "inv(K)*Y*Y'*inv(K)*Z", "--format", "json"]);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ ok: true, right: false, diagnosis: "missing term: -D*inv(K)*Z" });
    expect(o.correct.results[0].plain).toBe("(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z");
  });

  it("exit 2 on a bad claimed gradient, with a caret in --grad", async () => {
    const r = await check("inv(K)*Y*");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--> --grad, line 1, column 10/);
  });
});

describe("matdiff equal", () => {
  const D = ["-d", "A : matrix(n,n); B : matrix(n,n)"];
  it("says 'symbolically' when the canonical forms agree", async () => {
    const r = await cli(["equal", "(A+B)*(A-B)", "A*A - A*B + B*A - B*B", ...D]);
    expect(r).toMatchObject({ code: 0, stdout: "equal: symbolically (the same canonical form)\n" });
  });

  it("says 'numerically' when only the numbers agree", async () => {
    const r = await cli(["equal", "inv(A*B)", "inv(B)*inv(A)", ...D]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^equal: numerically, at 10 random points \(around 1, negative, small, large, mixed\) .* not proved symbolically/);
  });

  it("exit 1 when they differ, or differ in shape", async () => {
    expect((await cli(["equal", "(A+B)*(A-B)", "A*A - B*B", ...D])).code).toBe(1);
    const r = await cli(["equal", "X", "X'", "-d", "X : matrix(n,m)"]);
    expect(r).toMatchObject({ code: 1, stdout: "not equal: A is n×m and B is m×n\n" });
  });
});
