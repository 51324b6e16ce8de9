// One table of identities per operator family (issue 3): elementwise functions, Hadamard products
// and quotients, diag, kron, reductions, powers. Each answer is checked against finite differences
// at random sizes and its printed form pinned. relu/abs/norm1 are differentiated almost
// everywhere; the check draws points away from their kinks.
import { describe, expect, it } from "vitest";
import { diagnosticOf, expectNumericallyRight, plainGradients, problem, unicodeGradients } from "../helpers.js";
import { evaluate } from "../../src/evaluate/numeric.js";

type Row = [expr: string, decls: string, wrt: string, expected: string];

const FAMILIES: Record<string, Row[]> = {
  elementwise: [
    ["sum(exp(X))", "X : matrix(n,m)", "X", "exp(X)"],
    ["sum(log(X.*X + 1))", "X : matrix(n,m)", "X", "2*(X./(1 + X.*X))"],
    ["sum(sqrt(x.*x + 1))", "x : vector(n)", "x", "x./sqrt(1 + x.*x)"],
    ["sum(sin(X) + cos(X))", "X : matrix(n,m)", "X", "cos(X) - sin(X)"],
    ["sum(tan(x/4))", "x : vector(n)", "x", "1/4*(1./cos(1/4*x).^2)"],
    ["sum(tanh(W*x))", "W : matrix(m,n); x : vector(n)", "W", "(1 - tanh(W*x).^2)*x'"],
    ["sum(sigmoid(x))", "x : vector(n)", "x", "sigmoid(x).*(1 - sigmoid(x))"],
    ["sum(relu(W*x))", "W : matrix(m,n); x : vector(n)", "W", "step(W*x)*x'"],
    ["sum(abs(x))", "x : vector(n)", "x", "x./abs(x)"],
    ["sum(x.^3)", "x : vector(n)", "x", "3*x.^2"],
  ],
  hadamard: [
    ["sum(A.*X)", "A : matrix(n,m); X : matrix(n,m)", "X", "A"],
    ["sum(X.*X)", "X : matrix(n,m)", "X", "2*X"],
    ["a'*(x.*y)", "a : vector(n); x : vector(n); y : vector(n)", "x", "a.*y"],
    ["sum(X./A)", "A : matrix(n,m); X : matrix(n,m)", "X", "1./A"],
    ["sum(A./X)", "A : matrix(n,m); X : matrix(n,m)", "X", "-A./(X.*X)"],
    ["(A : X*B)", "A : matrix(n,m); X : matrix(n,k); B : matrix(k,m)", "X", "A*B'"],
  ],
  diag: [
    ["a'*diag(X)", "a : vector(n); X : matrix(n,n)", "X", "diag(a)"],
    ["tr(diag(x)*A)", "x : vector(n); A : matrix(n,n)", "x", "diag(A')"],
    ["logdet(S + diag(x))", "x : vector(n); S : spd(n)", "x", "diag(inv(S + diag(x)))"],
    ["y'*diag(x)*y", "x : vector(n); y : vector(n)", "x", "diag(y*y')"],
    // diag(v)𝟏 = v and diag(𝟏vᵀ) = v: the row sums of a diagonal matrix, the diagonal of a spread
    ["sum(diag(x)*sin(x))", "x : vector(n)", "x", "sin(x) + x.*cos(x)"],
    ["sum(diag(x)*A)", "x : vector(n); A : matrix(n,m)", "x", "A*ones(m)"],
  ],
  kron: [
    ["tr(kron(X, A))", "X : matrix(n,n); A : matrix(m,m)", "X", "tr(A)*eye(n)"],
    ["sum(kron(A, X))", "X : matrix(n,m); A : matrix(p,q)", "X", "sum(A)*ones(n, m)"],
    ["tr(kron(X, X))", "X : matrix(n,n)", "X", "2*tr(X)*eye(n)"],
    ["vec(A)'*vec(X)","X : matrix(n,m); A : matrix(n,m)","X","A"],
    ["vec(A)'*kron(x, x)","x : vector(n); A : matrix(n,n)","x","(A + A')*x"],
    ["sum(exp(kron(X, B)))","X : matrix(n,m); B : matrix(p,q)","X","kron(eye(n), ones(p)')*(exp(kron(X, B)).*kron(ones(n, m), B))*kron(eye(m), ones(q))"],
    ["tr(kron(A, X)*kron(B, X'))","X : matrix(n,m); A : matrix(p,q); B : matrix(q,p)","X","kron(ones(p)', eye(n))*(kron(A, X).*kron(B', ones(n, m)) + kron(A, ones(n, m)).*kron(B', X))*kron(ones(q), eye(m))"],
  ],
  reductions: [
    ["norm2(x)", "x : vector(n)", "x", "1/norm2(x)*x"],
    ["norm2(A*X - B)^2", "A : matrix(k,n); X : matrix(n,m); B : matrix(k,m)", "X", "2*A'*(A*X - B)"],
    // ‖0‖ = 0: a norm of a difference that cancels is no part of the answer (it printed as norm2(zeros(n)))
    ["det(S + norm2(x - x)^2*x*x') + sum(x) + norm1(X - X)*sum(x)", "x : vector(n); S : spd(n); X : matrix(n,m)", "x", "ones(n)"],
    ["norm1(x)", "x : vector(n)", "x", "x./abs(x)"],
    ["logsumexp(x)", "x : vector(n)", "x", "softmax(x)"],
    ["logsumexp(W*x)", "W : matrix(k,d); x : vector(d)", "W", "softmax(W*x)*x'"],
    ["logsumexp(X)", "X : matrix(n,m)", "X", "1/sum(exp(X))*exp(X)"],
    ["-y'*log(softmax(z))", "y : vector(n); z : vector(n)", "z", "sum(y)*softmax(z) - y"],
    ["sum(softmax(W*x).*y)", "W : matrix(k,d); x : vector(d); y : vector(k)", "W", "(y.*softmax(W*x) - (y'*softmax(W*x))*softmax(W*x))*x'"],
  ],
  powers: [
    ["tr(X^-2)", "X : matrix(n,n)", "X", "-2*(inv(X)^3)'"],
    ["det(X)^2", "X : matrix(n,n)", "X", "2*det(X)^2*inv(X)'"],
    ["sqrt(x'*x)", "x : vector(n)", "x", "1/sqrt(x'*x)*x"],
    // 0.^k = 0 for k > 0: the zero term leaves the answer (it printed as u'*zeros(n, n).^2*v)
    ["(u'*((X' - X').^2)*v)*tr(A*X) + tr(X)", "X : matrix(n,n); A : matrix(n,n); u : vector(n); v : vector(n)", "X", "eye(n)"],
    ["tr(A*X)/(2 + u'*((X' - X').^3)*v)", "X : matrix(n,n); A : matrix(n,n); u : vector(n); v : vector(n)", "X", "1/2*A'"],
  ],
};

for (const [family, rows] of Object.entries(FAMILIES)) {
  describe(`${family} identities`, () => {
    for (const [expr, decls, wrt, expected] of rows) {
      it(`d ${expr} / d${wrt}`, () => {
        const [a] = expectNumericallyRight(`${decls}\ngrad ${expr} wrt ${wrt}`);
        expect(plainGradients(a!)).toEqual([expected]);
      });
    }
  });
}

describe("symbolic integer powers (k : integer)", () => {
  it("tr(X^k) gives k(X^(k−1))ᵀ (Matrix Cookbook (2012) eq. (121)) and tr((XᵀX)^p) gives 2pX(XᵀX)^(p−1)", () => {
    const [a] = expectNumericallyRight("X : matrix(n,n); k : integer\ngrad tr(X^k) wrt X");
    expect(unicodeGradients(a!)).toEqual(["k (X^(k − 1))ᵀ"]);
    const [b] = expectNumericallyRight("X : matrix(n,m); p : integer\ngrad tr((X'*X)^p) wrt X");
    expect(unicodeGradients(b!)).toEqual(["2p X(XᵀX)^(p − 1)"]);
    expectNumericallyRight("X : matrix(n,n); A : matrix(n,n); k : integer; s : scalar\ngrad tr(X^(2*k + 1)) + s^k*tr((A + X)^k) wrt X, s");
  });

  it("a power that would need a sum of k terms is declined, and so is a derivative with respect to k", () => {
    expect(diagnosticOf("X : matrix(n,n); k : integer; a : vector(n)\ngrad a'*X^k*a wrt X").message).toMatch(/sum of k terms/);
    expect(diagnosticOf("X : matrix(n,n); k : integer\ngrad tr(X^k) wrt k").kind).toBe("unsupported");
    expect(diagnosticOf("X : matrix(n,n); k : scalar\ngrad tr(X^k) wrt X").message).toMatch(/declared integer/);
  });
});

describe("softmax of a matrix, column by column", () => {
  it("each column is a distribution, and the batch cross-entropy gradient is (P ⊙ (𝟏𝟏ᵀY) − Y)Xᵀ", () => {
    const p = problem("Z : matrix(k, N)\ngrad sum(softmax(Z)) wrt Z");
    const Z = [[1, -2, 0.5], [3, 0, -1]];
    const S = evaluate(p.queries[0]!.expr.args[0]!, { values: new Map([["Z", Z]]), dims: new Map([["k", 2], ["N", 3]]) });
    for (let j = 0; j < 3; j++) expect(S[0]![j]! + S[1]![j]!).toBeCloseTo(1, 12);
    expect(S[0]![0]!).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
    const [a] = expectNumericallyRight("W : matrix(k,d); X : matrix(d,N); Y : matrix(k,N)\ngrad -sum(Y .* log(softmax(W*X))) wrt W");
    // for one-hot columns of Y, 𝟏𝟏ᵀY = 𝟏𝟏ᵀ and this is the textbook (P − Y)Xᵀ
    expect(unicodeGradients(a!)).toEqual(["(softmax(WX) ⊙ (𝟏𝟏ᵀY) − Y)Xᵀ"]);
    expectNumericallyRight("Z : matrix(k,N); A : matrix(k,N)\ngrad sum(softmax(Z) .* A) + sum(softmax(Z'*Z)) wrt Z");
  });
});

describe("logsumexp over an axis: logsumexp(X, 1) of each column, logsumexp(X, 2) of each row", () => {
  it("its gradient is the column (row) softmax, and the batch cross-entropy through it reads Xᵀ(P ⊙ (Y𝟏𝟏ᵀ) − Y)", () => {
    const [a] = expectNumericallyRight("Z : matrix(k,N)\ngrad sum(logsumexp(Z, 1)) wrt Z");
    expect(unicodeGradients(a!)).toEqual(["softmax(Z)"]);
    const [b] = expectNumericallyRight("Z : matrix(N,k)\ngrad sum(logsumexp(Z, 2)) wrt Z");
    expect(unicodeGradients(b!)).toEqual(["softmax(Zᵀ)ᵀ"]);
    const [c] = expectNumericallyRight("X : matrix(N,d); W : matrix(d,k); Y : matrix(N,k)\ngrad -sum(Y .* (X*W - logsumexp(X*W, 2)*ones(k)')) wrt W");
    expect(unicodeGradients(c!)).toEqual(["Xᵀ(softmax(WᵀXᵀ)ᵀ ⊙ (Y𝟏𝟏ᵀ) − Y)"]);
  });

  it("the axis is 1 or 2, said so at the caret", () => {
    const d = diagnosticOf("Z : matrix(k,N)\ngrad sum(logsumexp(Z, 3)) wrt Z");
    expect(d.message).toBe("the axis of logsumexp is 1 (each column) or 2 (each row)");
    expect(d.span?.col).toBe(23);
  });
});
