// Numbers stay exact or are refused, and zero sums fold to a zero of the right shape: no
// Infinity, NaN or silent 0 in output, no internal error on legal input.
import { describe, expect, it } from "vitest";
import { cli } from "../cli/run-cli.js";

describe("numeric coefficients", () => {
  it("1e200*1e200 overflows to a limit error, not Infinity", async () => {
    const r = await cli(["grad", "1e200*1e200*x'*x", "--wrt", "x", "-d", "x : vector(n)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[limit\]: a numeric coefficient is out of range/);
    expect(r.stdout).not.toMatch(/Infinity/);
  });

  it("1e-200*1e-200 underflows to a limit error, not a silent zero", async () => {
    const r = await cli(["grad", "1e-200*1e-200*x'*x", "--wrt", "x", "-d", "x : vector(n)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[limit\]/);
  });

  it("large exact integers stay exact", async () => {
    const r = await cli(["grad", "123456789*987654*x'*x", "--wrt", "x", "-d", "x : vector(n)", "--format", "plain"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${2 * 123456789 * 987654}*x`);
  });
});

describe("zero sums inside products", () => {
  const cases: Array<[string[], string]> = [
    [["grad", "a'*(Y - Y)*c", "--wrt", "Y", "-d", "a : vector(n); Y : matrix(n,m); c : vector(m)"], "zeros(n, m)"],
    [["grad", "b'*(x - x)*x'*a", "--wrt", "x", "-d", "b : vector(n); x : vector(n); a : vector(n)"], "zeros(n)"],
    [["grad", "tr(A*(B - B)*C) + sum(x)", "--wrt", "x", "-d", "A : matrix(n,m); B : matrix(m,k); C : matrix(k,n); x : vector(n)"], "ones(n)"],
    [["grad", "sum(kron(Y - Y, A)) + s^2", "--wrt", "s", "-d", "Y : matrix(n,m); A : matrix(k,k); s : scalar"], "2*s"],
  ];
  for (const [args, plain] of cases) {
    it(`${args[1]} wrt ${args[3]} is ${plain}`, async () => {
      const r = await cli([...args, "--format", "plain", "--check"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe(plain);
    });
  }

  it("equal a'*(C - C)*c 0", async () => {
    const r = await cli(["equal", "a'*(C - C)*c", "0", "-d", "a : vector(n); C : matrix(n,m); c : vector(m)"]);
    expect(r.code).toBe(0);
  });
});
