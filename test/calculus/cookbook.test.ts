// Matrix Cookbook (Petersen & Pedersen, Nov 2012) identities: trace, determinant, inverse and
// quadratic forms. Each row: equation number, expression, declarations, variable, and the printed
// answer (pinned). Every answer is also checked against finite differences.
import { describe, expect, it } from "vitest";
import { expectNumericallyRight, plainGradients } from "../helpers.js";

const TABLE: Array<[eq: string, expr: string, decls: string, wrt: string, expected: string]> = [
  ["(36/100)", "tr(A*X*B)", "A : matrix(m,n); X : matrix(n,p); B : matrix(p,m)", "X", "A'*B'"],
  ["(101)", "tr(A*X')", "A : matrix(n,m); X : matrix(n,m)", "X", "A"],
  ["(103)", "tr(X)", "X : matrix(n,n)", "X", "eye(n)"],
  ["(104)", "tr(X*A)", "X : matrix(n,m); A : matrix(m,n)", "X", "A'"],
  ["(108)", "tr(X'*B*X)", "X : matrix(n,m); B : matrix(n,n)", "X", "(B + B')*X"],
  ["(111)", "tr(X*B*X')", "X : matrix(n,m); B : matrix(m,m)", "X", "X*(B + B')"],
  ["(115)", "tr(X*X')", "X : matrix(n,m)", "X", "2*X"],
  ["(116)", "tr(B*X*X')", "X : matrix(n,m); B : matrix(n,n)", "X", "(B + B')*X"],
  ["(121)", "tr(X^3)", "X : matrix(n,n)", "X", "3*(X^2)'"],
  ["(63)", "tr(A*inv(X)*B)", "A : matrix(m,n); X : matrix(n,n); B : matrix(n,m)", "X", "-inv(X)'*A'*B'*inv(X)'"],
  ["(64)", "tr(inv(X+A))", "X : matrix(n,n); A : matrix(n,n)", "X", "-(inv(A + X)^2)'"],
  ["(49)", "det(X)", "X : matrix(n,n)", "X", "det(X)*inv(X)'"],
  ["(50)", "det(X'*A*X)", "X : matrix(n,n); A : matrix(n,n)", "X", "2*det(X'*A*X)*inv(X)'"],
  ["(51)", "logdet(X'*X)", "X : matrix(n,m)", "X", "2*X*inv(X'*X)"],
  ["(57)", "logdet(X)", "X : matrix(n,n)", "X", "inv(X)'"],
  ["(61)", "a'*inv(X)*b", "a : vector(n); X : matrix(n,n); b : vector(n)", "X", "-inv(X)'*a*b'*inv(X)'"],
  ["(69)", "a'*x", "a : vector(n); x : vector(n)", "x", "a"],
  ["(70)", "a'*X*b", "a : vector(n); X : matrix(n,m); b : vector(m)", "X", "a*b'"],
  ["(72)", "a'*X'*b", "a : vector(m); X : matrix(n,m); b : vector(n)", "X", "b*a'"],
  ["(79)", "b'*X'*X*c", "b : vector(m); X : matrix(n,m); c : vector(m)", "X", "X*b*c' + X*c*b'"],
  ["(81)", "x'*B*x", "x : vector(n); B : matrix(n,n)", "x", "(B + B')*x"],
  ["(85)", "(x-s)'*W*(x-s)", "x : vector(n); s : vector(n); W : symmetric(n)", "x", "2*W*(x - s)"],
  ["(88)", "(x-A*s)'*W*(x-A*s)", "x : vector(n); A : matrix(n,m); s : vector(m); W : symmetric(n)", "s", "2*A'*W*(A*s - x)"],
  ["(57s)", "logdet(S)", "S : spd(n)", "S", "inv(S)"],
  ["(131)", "norm2(x)^2", "x : vector(n)", "x", "2*x"],
  ["(132)", "norm2(X)^2", "X : matrix(n,m)", "X", "2*X"],
  ["(141s)", "tr(A*S)", "A : matrix(n,n); S : symmetric(n)", "S", "1/2*(A + A')"],
];

describe("Matrix Cookbook identities", () => {
  for (const [eq, expr, decls, wrt, expected] of TABLE) {
    it(`eq. ${eq}: d ${expr} / d${wrt}`, () => {
      const [a] = expectNumericallyRight(`${decls}\ngrad ${expr} wrt ${wrt}`);
      expect(plainGradients(a!)).toEqual([expected]);
    });
  }
});
