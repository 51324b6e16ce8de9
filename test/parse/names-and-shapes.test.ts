// Names and shapes: dimension unification, I by inference, 1×1 as scalar, and the errors.
import { describe, expect, it } from "vitest";
import { answers, diagnosticOf, expectNumericallyRight, plainGradients, problem, unicodeGradients } from "../helpers.js";
import { printExpr } from "../../src/print/index.js";

describe("shapes", () => {
  it("infers the size of I from its context", () => {
    const q = problem("Z : matrix(N, Q); b : scalar\ngrad tr(Z*Z' + b*I) wrt Z").queries[0]!;
    expect(q.expr.shape).toEqual([1, 1]);
    expectNumericallyRight("Z : matrix(N, Q); b : scalar\ngrad logdet(Z*Z' + b*I) wrt Z");
  });

  it("treats a 1×1 product as a scalar that scales", () => {
    const [a] = expectNumericallyRight("x : vector(n); A : matrix(n, n); B : matrix(n, m)\ngrad sum((x'*A*x)*B) wrt x");
    expect(a!.results[0]!.value.shape).toEqual(["n", 1]);
  });

  it("lets a dimension name stand for its size", () => {
    const [a] = expectNumericallyRight("S : spd(n)\ngrad n*logdet(S) wrt S");
    expect(plainGradients(a!)).toEqual(["n*inv(S)"]);
  });

  it("broadcasts a scalar in + and .* like NumPy", () => {
    expectNumericallyRight("X : matrix(N, d); w : vector(d)\ngrad sum(log(1 + exp(-(X*w)))) wrt w");
  });
});

describe("errors a user can make", () => {
  it("names both operands and their shapes in a product clash", () => {
    const d = diagnosticOf("A : matrix(n, m); x : vector(n)\ngrad sum(A*x) wrt x");
    expect(d.kind).toBe("shape");
    expect(d.message).toBe("cannot multiply A (n×m) by x (n×1): the inner dimensions differ");
    expect([d.span?.line, d.span?.col]).toEqual([2, 10]);
  });

  it("names shapes in a sum clash", () => {
    const d = diagnosticOf("A : matrix(n, m); B : matrix(m, n)\ngrad sum(A + B) wrt A");
    expect(d.message).toBe("'+' needs operands of the same shape (or a scalar, or a row or column to broadcast), but A is n×m and B is m×n");
  });

  it("needs square matrices for inv, det, logdet, tr", () => {
    for (const f of ["inv", "det", "logdet", "tr"]) {
      const d = diagnosticOf(`A : matrix(n, m)\ngrad sum(${f}(A)) wrt A`);
      expect(d.kind).toBe("shape");
      expect(d.message).toBe(`${f} needs a square matrix, but A is n×m`);
    }
  });

  it("refuses division by a matrix and suggests the inverse", () => {
    const d = diagnosticOf("A : matrix(n, n); B : matrix(n, n)\ngrad tr(A/B) wrt A");
    expect(d.message).toMatch(/'\/' divides by a scalar only, but B is n×n/);
    expect(d.hint).toBe("to divide by a matrix, multiply by its inverse: A*inv(B), or write ./ for elementwise division");
  });

  it("hints that say what to write: ./ for a vector denominator, x' for x^T, norm2 for norm", () => {
    expect(diagnosticOf("x : vector(n); y : vector(n)\ngrad sum(x/y) wrt x").hint).toBe("for elementwise division write x ./ y");
    const t = diagnosticOf("x : vector(n)\ngrad sum(x^T) wrt x");
    expect(t.message).toBe("T is not a name here: for a transpose write x' (or xᵀ)");
    expect(t.span?.col).toBe(12); // grad sum(x^T): under the T
    expect(diagnosticOf("x : vector(n)\ngrad norm(x) wrt x").hint).toMatch(/^write norm2\(x\) for the Euclidean/);
  });

  it("pi is a built-in constant, printed π and \\pi, kept exact, and cannot be declared", () => {
    const [a] = answers("s2 : positive; y : scalar\ngrad -1/2*log(2*pi*s2) - y^2/(2*s2) + pi*s2 wrt s2");
    expect(printExpr(a!.results[0]!.value, "plain")).toMatch(/pi/);
    expectNumericallyRight("x : vector(n)\ngrad pi*x'*x + sin(pi*sum(x)) wrt x");
    expect(printExpr(answers("x : vector(n)\ngrad pi*x'*x wrt x")[0]!.results[0]!.value, "unicode")).toBe("2π x");
    expect(diagnosticOf("pi : scalar\ngrad pi wrt pi").message).toMatch(/reserved/);
  });

  it("declarations in any order: a parameterised name before its parameter, a definition before a declaration", () => {
    expectNumericallyRight("Sigma(theta) : spd(N); mu(theta) : vector(N); theta : scalar; y : vector(N)\ngrad 1/2*logdet(Sigma) + 1/2*(y-mu)'*inv(Sigma)*(y-mu) wrt theta");
    expectNumericallyRight("K = Z*Z' + I\nZ : matrix(n, q)\ngrad logdet(K) wrt Z");
  });

  it("suggests a close name for an unknown one", () => {
    const d = diagnosticOf("Sigma : spd(n); y : vector(n)\ngrad y'*inv(Sigam)*y wrt y");
    expect(d.kind).toBe("unknown-name");
    expect(d.message).toBe("unknown name 'Sigam'");
    expect(d.hint).toBe("did you mean 'Sigma'?");
  });

  it("refuses a gradient of a non-scalar", () => {
    const d = diagnosticOf("A : matrix(n, n); x : vector(n)\ngrad A*x wrt x");
    expect(d.kind).toBe("shape");
    expect(d.message).toMatch(/grad needs a scalar function, but this expression is n×1/);
  });

  it("refuses an undeclared or defined wrt", () => {
    expect(diagnosticOf("x : vector(n)\ngrad x'*x wrt y").kind).toBe("unknown-name");
    expect(diagnosticOf("x : vector(n)\nf = x'*x\ngrad f wrt f").message).toMatch(/defined, not declared/);
  });

  it("cannot infer I alone", () => {
    expect(diagnosticOf("a : scalar\ngrad a*tr(I) wrt a").message).toMatch(/size of I cannot be inferred/);
  });

  it("refuses non-positive dimensions and reserved names", () => {
    expect(diagnosticOf("x : vector(0)\ngrad x'*x wrt x").message).toMatch(/positive integer/);
    expect(diagnosticOf("tr : scalar\ngrad tr wrt tr").message).toMatch(/reserved/);
  });

  it("needs an integer exponent for a matrix power", () => {
    expect(diagnosticOf("X : matrix(n, n); a : scalar\ngrad tr(X^a) wrt X").message).toMatch(/integer exponent/);
    expect(diagnosticOf("X : matrix(n, n)\ngrad tr(X^(1/2)) wrt X").message).toMatch(/integer exponent/);
    expect(diagnosticOf("X : matrix(n, n)\ngrad tr(X^(2^7)) wrt X").message).toMatch(/matrix power 128 is beyond/);
  });

  it("takes an exponent written with numbers only: X^(1+1), X^2^2 (right-associative: X^4), X^(6/3), X^(2*-1)", () => {
    const cases: Array<[string, string]> = [
      ["tr(X^(1+1))", "tr(X^2)"],
      ["tr(A*X^2^2)", "tr(A*X^4)"],
      ["tr(A*X^(6/3))", "tr(A*X^2)"],
      ["tr(A*X^(2*-1))", "tr(A*X^-2)"],
    ];
    for (const [typed, meant] of cases) {
      const [a] = expectNumericallyRight(`X : matrix(n, n); A : matrix(n, n)\ngrad ${typed} wrt X`);
      const [b] = answers(`X : matrix(n, n); A : matrix(n, n)\ngrad ${meant} wrt X`);
      expect(plainGradients(a!), typed).toEqual(plainGradients(b!));
    }
  });

  it("says how X^2' reads (the transpose binds tighter than ^) and how to write (X^2)'", () => {
    const d = diagnosticOf("X : matrix(n, n)\ngrad tr(X^2') wrt X");
    expect(d.message).toMatch(/X\^2' reads as X\^\(2'\)/);
    expect(d.hint).toMatch(/\(X\^2\)'/);
    expect([d.span?.line, d.span?.col]).toEqual([2, 11]); // at the exponent 2'
  });
});

describe("dimensions that are products", () => {
  it("vector(n*m) is the size of vec(X) and of a Kronecker product, and unifies with them", () => {
    const [a] = expectNumericallyRight("x : vector(n * m); A : matrix(n,n); B : matrix(m,m)\ngrad x'*kron(A,B)*x wrt x");
    expect(unicodeGradients(a!)).toEqual(["(A ⊗ B + Aᵀ ⊗ Bᵀ)x"]);
    expectNumericallyRight("x : vector(m*n); X : matrix(n,m)\ngrad (vec(X)'*x)^2 wrt x");
  });

  it("a product with a missing factor is a syntax error at the caret", () => {
    const d = diagnosticOf("x : vector(n*)\ngrad x'*x wrt x");
    expect(d.kind).toBe("syntax");
    expect(d.span?.col).toBe(14);
  });
});
