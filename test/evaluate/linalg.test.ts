// The dense LU behind the numeric check: determinants, log-determinants and inverses against
// identities that hold exactly.
import { describe, expect, it } from "vitest";
import { det, inverse, kronecker, logAbsDet, SingularMatrix } from "../../src/evaluate/linalg.js";
import { Random } from "../../src/evaluate/random.js";

const rand = (n: number, rng: Random) => Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));

describe("linalg", () => {
  it("A·A⁻¹ = I and det(AB) = det A det B for random matrices up to 60×60", () => {
    const rng = new Random(3);
    for (const n of [1, 2, 3, 7, 20, 60]) {
      const a = rand(n, rng);
      const b = rand(n, rng);
      const p = matmul(a, inverse(a));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(p[i]![j]! - (i === j ? 1 : 0))).toBeLessThan(1e-8);
      const lhs = det(matmul(a, b));
      expect(Math.abs(lhs - det(a) * det(b))).toBeLessThan(1e-8 * Math.max(1, Math.abs(lhs)));
      const l = logAbsDet(a);
      expect(l.sign).toBe(Math.sign(det(a)));
      expect(Math.abs(l.log - Math.log(Math.abs(det(a))))).toBeLessThan(1e-9 * Math.max(1, Math.abs(l.log)));
    }
  });

  it("a singular matrix: det 0, no inverse", () => {
    const s = [[1, 2], [2, 4]];
    expect(det(s)).toBe(0);
    expect(() => inverse([[0, 0], [0, 0]])).toThrow(SingularMatrix);
  });

  it("log|det| does not overflow where det does", () => {
    const big = Array.from({ length: 200 }, (_, i) => Array.from({ length: 200 }, (_, j) => (i === j ? 1e3 : 0)));
    expect(det(big)).toBe(Infinity);
    expect(logAbsDet(big).log).toBeCloseTo(200 * Math.log(1e3), 8);
  });

  it("kron(A, B) has blocks a_ij B", () => {
    expect(kronecker([[1, 2]], [[0, 1], [1, 0]])).toEqual([[0, 1, 0, 2], [1, 0, 2, 0]]);
  });
});
