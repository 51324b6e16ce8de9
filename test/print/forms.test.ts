// Output forms: plain parses back to an equal expression; LaTeX renders with KaTeX; unicode reads
// like a paper.
import katex from "katex";
import { describe, expect, it } from "vitest";
import { printExpr } from "../../src/print/index.js";
import { answers, expectNumericallyRight, plainGradients, problem, unicodeGradients } from "../helpers.js";


const PROBLEMS = [
  "Y : matrix(N, D); Z : matrix(N, Q); beta : scalar\nK = Z*Z' + 1/beta*I\ngrad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z",
  "y : vector(n); m : vector(n); S : spd(n)\ngrad 1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m) wrt m, S",
  "x : vector(n); A : matrix(m, n); B : matrix(k, n)\ngrad (A*x)'*(A*x)/((B*x)'*(B*x)) wrt x",
  "X : matrix(n, n); a : vector(n); b : vector(n)\ngrad a'*X^3*b + det(X) + tr(inv(X)) wrt X",
  "X : matrix(N, d); w : vector(d); y : vector(N); lambda : scalar\np = sigmoid(X*w)\ngrad -sum(y.*log(p) + (1-y).*log(1-p)) + lambda/2*norm2(w)^2 wrt w",
  "W1 : matrix(m, d); x : vector(d); W2 : matrix(k, m); y : vector(k)\nh = tanh(W1*x)\ngrad norm2(W2*h - y)^2 wrt W1, W2",
  "X : matrix(n, m); U : matrix(n, k); V : matrix(m, k); sigma_n : scalar\ngrad norm2(X - U*V')^2 + sigma_n*norm2(U)^2 wrt U",
];

describe("plain form round trip", () => {
  for (const text of PROBLEMS) {
    it(text.split("\n").pop()!, () => {
      const setup = text.split("\n").slice(0, -1).join("\n");
      for (const a of answers(text)) {
        for (const r of a.results) {
          const plain = printExpr(r.value, "plain");
          // parse the printed answer back under the same declarations: the very same (interned) node
          const back = problem(`${setup}\nroundtrip__ = ${plain}`).defsByName.get("roundtrip__")!.body;
          expect(printExpr(back, "plain")).toBe(plain);
          expect(back).toBe(r.value);
        }
      }
    });
  }
});

describe("LaTeX form", () => {
  for (const text of PROBLEMS) {
    it(`renders with KaTeX: ${text.split("\n").pop()!}`, () => {
      for (const a of answers(text)) {
        for (const r of a.results) {
          const tex = printExpr(r.value, "latex");
          expect(() => katex.renderToString(tex, { throwOnError: true })).not.toThrow();
        }
      }
    });
  }

  it("escapes names into safe LaTeX", () => {
    const [a] = answers("sigma_n : scalar; W1 : matrix(n, n); Σ : spd(n)\ngrad sigma_n*tr(W1*Σ) wrt W1");
    const tex = printExpr(a!.results[0]!.value, "latex");
    expect(tex).toContain("\\sigma_{n}");
    expect(tex).toContain("\\Sigma");
    expect(() => katex.renderToString(tex, { throwOnError: true })).not.toThrow();
  });
});

describe("unicode form", () => {
  it("juxtaposes single letters and spaces out longer names", () => {
    const [a] = answers("W1 : matrix(m, d); x : vector(d); W2 : matrix(k, m); y : vector(k)\ngrad norm2(W2*W1*x - y)^2 wrt W1");
    expect(printExpr(a!.results[0]!.value, "unicode")).toBe("2 W2ᵀ(W2 W1 x − y)xᵀ");
  });
});

describe("broadcasts in sums", () => {
  it("a scalar times 𝟏 keeps its 𝟏 in unicode and LaTeX (never reads like a product); a number reads alone", () => {
    const [a] = answers("x : vector(n); t : scalar\njacobian exp(t)*ones(n) + t^2*x wrt t");
    const J = a!.results[0]!.value;
    expect(printExpr(J, "unicode")).toBe("2t x + exp(t) 𝟏");
    expect(printExpr(J, "latex")).toBe("2 t x + \\exp\\left(t\\right) \\mathbf{1}_{n}");
    expect(printExpr(J, "plain")).toBe("2*t*x + exp(t)");
    const [b] = answers("x : vector(n)\njacobian sigmoid(x) wrt x"); // checked numerically in test/calculus/jacobians.test.ts
    expect(unicodeGradients(b!)[0]).toBe("diag(sigmoid(x) ⊙ (1 − sigmoid(x)))");
  });

  it("sums over a broadcast axis are sizes: ones(a, b)·ones(b, c) = b·ones(a, c)", () => {
    const [a] = expectNumericallyRight("X : matrix(n, d); mu : vector(d)\ngrad sum(X - ones(n)*mu') + norm2(X - ones(n)*mu')^2 wrt mu");
    expect(plainGradients(a!)[0]).toBe("2*n*mu - n - 2*X'*ones(n)");
    expect(unicodeGradients(a!)[0]).toBe("2n mu − n 𝟏 − 2Xᵀ𝟏");
  });
});
