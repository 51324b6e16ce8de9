// Jacobians (numerator layout, d vec(F) = J d vec(X)), Hessians and differentials: each answer
// checked against finite differences of vec(F) along every input direction (Hessians: against
// differences of the gradient, and the gradient against f), printed forms pinned.
import { describe, expect, it } from "vitest";
import { answerAll, expandDefinitions, problemFromText } from "../../src/engine.js";
import { checkGradients, checkLinearisations, combineChecks, differentialClaim, jacobianClaim } from "../../src/evaluate/check.js";
import { gradient } from "../../src/calculus/gradient.js";
import { printExpr } from "../../src/print/index.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";

function solve(kind: string, expr: string, decls: string, wrt: string) {
  const p = problemFromText(`${decls}\n${kind} ${expr} wrt ${wrt}`);
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  const a = answerAll(p.value)[0]!;
  if (!a.ok) throw new Error(renderDiagnostic(a.error));
  const r = a.value.results[0]!;
  const value = expandDefinitions(r.value, a.value.definitions);
  const f = a.value.query.expr;
  const check =
    kind === "jacobian"
      ? checkLinearisations(p.value, f, [{ wrt: r.wrt, claim: jacobianClaim(value) }], { seed: 3 })
      : kind === "differential"
        ? checkLinearisations(p.value, f, [{ wrt: r.wrt, claim: differentialClaim(value) }], { seed: 3 })
        : (() => {
            const g = gradient(p.value, f, r.wrt).value;
            return combineChecks(
              checkGradients(p.value, f, [{ wrt: r.wrt, value: g }], { seed: 3 }),
              checkLinearisations(p.value, g, [{ wrt: r.wrt, claim: jacobianClaim(value) }], { seed: 3 }),
            );
          })();
  expect(check.inconclusive).toBe(false);
  expect(check.maxRelError, printExpr(value, "plain")).toBeLessThan(1e-6);
  return printExpr(r.value, "unicode");
}

type Row = [expr: string, decls: string, wrt: string, expected: string];

const JACOBIANS: Record<string, Row[]> = {
  "linear maps": [
    ["A*x", "A : matrix(m,n); x : vector(n)", "x", "A"],
    ["A*x + b", "A : matrix(m,n); x : vector(n); b : vector(m)", "x", "A"],
    ["A*X*B", "A : matrix(k,n); X : matrix(n,m); B : matrix(m,p)", "X", "Bᵀ ⊗ A"],
    ["x", "x : vector(n)", "x", "I"],
  ],
  inverse: [["inv(X)", "X : matrix(n,n)", "X", "−X⁻ᵀ ⊗ X⁻¹"]],
  transpose: [
    ["(A*x)'", "A : matrix(m,n); x : vector(n)", "x", "A"],
    // through the commutation matrix: vec(Xᵀ) = K vec(X)
    ["X'", "X : matrix(n,m)", "X", "commutation(n, m)"],
    ["A*X'*B", "X : matrix(n,m); A : matrix(p,m); B : matrix(n,q)", "X", "(Bᵀ ⊗ A)commutation(n, m)"],
  ],
  kronecker: [
    ["kron(A, X)", "X : matrix(p,q); A : matrix(m,n)", "X", "((I ⊗ commutation(q, m)) ⊗ I)(vec(A) ⊗ I)"],
    ["kron(X, B)", "X : matrix(p,q); B : matrix(m,n)", "X", "((I ⊗ commutation(n, p)) ⊗ I)(I ⊗ vec(B))"],
  ],
  products: [
    ["X*a", "X : matrix(n,m); a : vector(m)", "X", "aᵀ ⊗ I"],
    ["A*X", "A : matrix(k,n); X : matrix(n,m)", "X", "I ⊗ A"],
    ["(x'*x)*x", "x : vector(n)", "x", "2 xxᵀ + (xᵀx) I"],
  ],
  elementwise: [
    ["x .* y", "x : vector(n); y : vector(n)", "x", "diag(y)"],
    ["exp(x)", "x : vector(n)", "x", "diag(exp(x))"],
    ["tanh(W*x)", "W : matrix(m,n); x : vector(n)", "x", "diag(1 − tanh(Wx).^2)W"],
    ["sigmoid(x)", "x : vector(n)", "x", "diag(sigmoid(x) ⊙ (1 − sigmoid(x)))"],
  ],
  softmax: [["softmax(x)", "x : vector(n)", "x", "diag(softmax(x)) − softmax(x)softmax(x)ᵀ"]],
  // vec(diag(dv)) = diag(vec I)(𝟏 ⊗ I)dv and diag(dY) = (𝟏ᵀ ⊗ I)diag(vec I)vec(dY); next to a
  // column, diag(dv)r = diag(r)dv, and tr(diag(dv)) = 𝟏ᵀdv
  diagonals: [
    ["diag(x)", "x : vector(n)", "x", "diag(vec(I))(𝟏 ⊗ I)"],
    ["diag(X*A)", "X : matrix(n,m); A : matrix(m,n)", "X", "(𝟏ᵀ ⊗ I)diag(vec(I))(Aᵀ ⊗ I)"],
    ["diag(A*x)*b", "x : vector(n); A : matrix(n,n); b : vector(n)", "x", "diag(b)A"],
    ["C*diag(sin(x))*b", "x : vector(n); C : matrix(m,n); b : vector(n)", "x", "C diag(b ⊙ cos(x))"],
  ],
};

describe("Jacobians", () => {
  for (const [family, rows] of Object.entries(JACOBIANS)) {
    for (const [expr, decls, wrt, expected] of rows) {
      it(`${family}: J of ${expr} wrt ${wrt}`, () => {
        expect(solve("jacobian", expr, decls, wrt)).toBe(expected);
      });
    }
  }
});

describe("attention and softmax Jacobians in textbook form", () => {
  it("A·softmax(x) gives A(diag(s) − ssᵀ); with s named, Vᵀsoftmax(Kq) gives Vᵀ(diag(s) − ssᵀ)K", () => {
    expect(solve("jacobian", "A*softmax(x)", "A : matrix(m,n); x : vector(n)", "x")).toBe("A(diag(softmax(x)) − softmax(x)softmax(x)ᵀ)");
    expect(solve("jacobian", "V'*softmax(K*q)", "V : matrix(T,d); K : matrix(T,d); q : vector(d)\ns = softmax(K*q)", "q")).toBe("Vᵀ(diag(s) − ssᵀ)K");
    // alone, the sum reads shorter multiplied out
    expect(solve("jacobian", "s", "W : matrix(k,d); x : vector(d)\ns = softmax(W*x)", "x")).toBe("diag(s)W − ssᵀW");
  });
});

describe("Hessians", () => {
  const ROWS: Row[] = [
    ["x'*A*x", "x : vector(n); A : matrix(n,n)", "x", "A + Aᵀ"],
    ["norm2(X*w - y)^2", "X : matrix(N,d); w : vector(d); y : vector(N)", "w", "2XᵀX"],
    ["sum(exp(X*w) - y.*(X*w))", "X : matrix(N,d); w : vector(d); y : vector(N)", "w", "Xᵀdiag(exp(Xw))X"],
    ["tr(X'*A*X)", "X : matrix(n,m); A : matrix(n,n)", "X", "I ⊗ (A + Aᵀ)"],
    ["norm2(A*X*B - C)^2", "A : matrix(k,n); X : matrix(n,m); B : matrix(m,p); C : matrix(k,p)", "X", "2((BBᵀ) ⊗ (AᵀA))"],
    ["logdet(A + t*B)", "t : scalar; A : spd(n); B : spd(n)", "t", "−tr((A + t B)⁻¹B(A + t B)⁻¹B)"],
    ["1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)", "y : vector(n); m : vector(n); S : spd(n)", "m", "S⁻¹"],
    // gradients with diag(·) of the variable in them (these were declined)
    ["tr(diag(A*x))*(u'*x)", "x : vector(n); A : matrix(n,n); u : vector(n)", "x", "u𝟏ᵀA + Aᵀ𝟏uᵀ"],
    ["a'*diag(x.*x)*b", "x : vector(n); a : vector(n); b : vector(n)", "x", "2 diag(diag(abᵀ))"],
    ["sum(diag(x)*sin(x))", "x : vector(n)", "x", "diag(2 cos(x) − x ⊙ sin(x))"],
  ];
  for (const [expr, decls, wrt, expected] of ROWS) {
    it(`H of ${expr} wrt ${wrt}`, () => {
      expect(solve("hessian", expr, decls, wrt)).toBe(expected);
    });
  }

  it("logistic loss: right (numerically), written with Xᵀ diag(·) X", () => {
    const h = solve("hessian", "sum(log(1 + exp(-y.*(X*w))))", "X : matrix(N,d); w : vector(d); y : vector(N)", "w");
    // the diagonals of the sum merge into one: diag(a) + c·diag(b) = diag(a + c·b)
    expect(h).toMatch(/^−Xᵀdiag\(.*\)X$/);
  });
  it("logistic loss with 0/1 labels: Xᵀdiag(σ − σ ⊙ σ)X, the textbook Xᵀdiag(σ ⊙ (1 − σ))X", () => {
    const h = solve("hessian", "-sum(y.*log(sigmoid(X*w)) + (1-y).*log(1-sigmoid(X*w)))", "X : matrix(N,d); w : vector(d); y : vector(N)", "w");
    expect(h).toBe("Xᵀdiag(sigmoid(Xw) − sigmoid(Xw) ⊙ sigmoid(Xw))X");
  });
});

describe("Hessians with respect to symmetric matrices (checked along symmetric directions)", () => {
  it("logdet(X): −X⁻¹ ⊗ X⁻¹; tr(X⁻¹A) and the Gaussian NLL in S are right", () => {
    expect(solve("hessian", "logdet(X)", "X : spd(n)", "X")).toBe("−X⁻¹ ⊗ X⁻¹");
    expect(solve("hessian", "tr(inv(X)*A)", "X : spd(n); A : matrix(n,n)", "X")).toMatch(/⊗/);
    expect(solve("hessian", "1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)", "y : vector(n); m : vector(n); S : spd(n)", "S")).toMatch(/⊗/);
    expect(solve("hessian", "tr(X*A*X)", "X : symmetric(n); A : matrix(n,n)", "X")).toMatch(/⊗/);
  });
});

describe("the differential form of a matrix Hessian", () => {
  it("d(∇f) for tr(XᵀAX) is (A + Aᵀ)dX, and agrees with differences of the gradient", () => {
    const p = problemFromText("X : matrix(n,m); A : matrix(n,n)\nhessian tr(X'*A*X) wrt X");
    if (!p.ok) throw new Error(p.error.message);
    const a = answerAll(p.value)[0]!;
    if (!a.ok) throw new Error(a.error.message);
    const r = a.value.results[0]!;
    expect(printExpr(r.gradientDifferential!, "unicode")).toBe("(A + Aᵀ)dX");
    const g = gradient(p.value, a.value.query.expr, r.wrt).value;
    const c = checkLinearisations(p.value, g, [{ wrt: r.wrt, claim: differentialClaim(r.gradientDifferential!) }], { seed: 2 });
    expect(c.ok).toBe(true);
  });
});

describe("differentials", () => {
  const ROWS: Row[] = [
    ["inv(X)", "X : matrix(n,n)", "X", "−X⁻¹dX X⁻¹"],
    ["X'*X", "X : matrix(n,m)", "X", "XᵀdX + dXᵀX"],
    ["logdet(X)", "X : spd(n)", "X", "tr(X⁻¹dX)"],
    ["A*X*B", "A : matrix(k,n); X : matrix(n,m); B : matrix(m,p)", "X", "A dX B"],
  ];
  for (const [expr, decls, wrt, expected] of ROWS) {
    it(`d ${expr}`, () => {
      expect(solve("differential", expr, decls, wrt)).toBe(expected);
    });
  }
});
