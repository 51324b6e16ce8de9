// Machine-learning gradients built from the whole operator set: every answer checked against
// finite differences at random sizes; a few printed forms pinned where they are already textbook.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expectNumericallyRight, plainGradients, problem, unicodeGradients } from "../helpers.js";
import { printExpr } from "../../src/print/index.js";
import { answerQuery } from "../../src/engine.js";

const ML: Array<[name: string, problem: string]> = [
  ["least squares", "X : matrix(N, d); w : vector(d); y : vector(N)\ngrad norm2(X*w - y)^2 wrt w, X"],
  ["ridge", "X : matrix(N, d); w : vector(d); y : vector(N); lambda : scalar\ngrad norm2(X*w - y)^2 + lambda*norm2(w)^2 wrt w"],
  ["logistic, labels 0/1", "X : matrix(N, d); w : vector(d); y : vector(N)\np = sigmoid(X*w)\ngrad -sum(y.*log(p) + (1-y).*log(1-p)) wrt w"],
  ["logistic, labels ±1", "X : matrix(N, d); w : vector(d); y : vector(N)\ngrad sum(log(1 + exp(-y.*(X*w)))) wrt w"],
  ["logistic, log-sigmoid form", "X : matrix(N, d); w : vector(d); y : vector(N)\ngrad -sum(log(sigmoid(y.*(X*w)))) wrt w"],
  ["softmax cross-entropy", "W : matrix(k, d); x : vector(d); y : vector(k)\ngrad -y'*log(softmax(W*x)) wrt W"],
  ["two-layer tanh network", "W1 : matrix(m, d); x : vector(d); W2 : matrix(k, m); y : vector(k)\nh = tanh(W1*x)\ngrad norm2(W2*h - y)^2 wrt W1, W2"],
  ["sigmoid network, softmax output", "W1 : matrix(m, d); x : vector(d); W2 : matrix(k, m); y : vector(k)\nh = sigmoid(W1*x)\ns = softmax(W2*h)\ngrad -y'*log(s) wrt W1"],
  ["relu network", "W1 : matrix(m, d); x : vector(d); w2 : vector(m)\ngrad (w2'*relu(W1*x) - 1)^2 wrt W1"],
  ["matrix factorisation", "X : matrix(n, m); U : matrix(n, k); V : matrix(m, k); lambda : scalar\ngrad norm2(X - U*V')^2 + lambda*(norm2(U)^2 + norm2(V)^2) wrt U, V"],
  ["PCA reconstruction", "X : matrix(n, N); W : matrix(n, k)\ngrad norm2(X - W*W'*X)^2 wrt W"],
  ["Poisson regression", "X : matrix(N, d); w : vector(d); y : vector(N)\ngrad sum(exp(X*w) - y.*(X*w)) wrt w"],
  ["Gaussian NLL, batch", "Y : matrix(n, N); mu : vector(n); S : spd(n)\nE = Y - mu*ones(N)'\ngrad N/2*logdet(S) + 1/2*tr(inv(S)*E*E') wrt mu, S"],
  ["Gaussian KL", "m0 : vector(n); m1 : vector(n); S0 : spd(n); S1 : spd(n)\ngrad 1/2*(tr(inv(S0)*S1) + (m0-m1)'*inv(S0)*(m0-m1) - n + logdet(S0) - logdet(S1)) wrt S0, S1, m1"],
  ["factor analysis", "W : matrix(n, k); psi : vector(n); S : spd(n)\nC = W*W' + diag(exp(psi))\ngrad logdet(C) + tr(inv(C)*S) wrt W, psi"],
  ["graphical lasso", "X : spd(n); S : symmetric(n); lambda : scalar\ngrad -logdet(X) + tr(S*X) + lambda*sum(abs(X)) wrt X"],
  ["noise variance", "X : matrix(N, d); w : vector(d); y : vector(N); s2 : scalar\ngrad N/2*log(s2) + norm2(y - X*w)^2/(2*s2) wrt s2"],
];

describe("machine-learning gradients", () => {
  for (const [name, text] of ML) {
    it(name, () => {
      expectNumericallyRight(text);
    });
  }

  it("least squares reads 2Xᵀ(Xw − y)", () => {
    const [a] = expectNumericallyRight("X : matrix(N, d); w : vector(d); y : vector(N)\ngrad norm2(X*w - y)^2 wrt w");
    expect(plainGradients(a!)).toEqual(["2*X'*(X*w - y)"]);
  });

  it("matrix factorisation reads 2(UVᵀV + λU − XV)", () => {
    const [a] = expectNumericallyRight("X : matrix(n, m); U : matrix(n, k); V : matrix(m, k); lambda : scalar\ngrad norm2(X - U*V')^2 + lambda*norm2(U)^2 wrt U");
    expect(plainGradients(a!)).toEqual(["2*(U*V'*V + lambda*U - X*V)"]);
  });
});

describe("seed 000: GP marginal likelihood wrt the input locations", () => {
  const root = fileURLToPath(new URL("../../examples/", import.meta.url));
  for (const file of ["gp-inputs-1d.matdiff", "gp-inputs-3d.matdiff"]) {
    it(`${file}: wrt X and wrt l, s2, sn agree with finite differences`, () => {
      const answers = expectNumericallyRight(readFileSync(`${root}${file}`, "utf8"));
      expect(answers.map((a) => a.results.map((r) => r.wrt.name))).toEqual([["X"], ["l", "s2", "sn"]]);
      // the textbook form −s2/l²(diag(C·1) − C)X, with C named and written with the user's K and D2
      expect(plainGradients(answers[0]!)).toEqual(["s2/l^2*(C - diag(C*ones(N)))*X"]);
      const [[name, body]] = answers[0]!.definitions;
      expect(name).toBe("C");
      expect(printExpr(body!, "plain")).toBe("exp(-1/(2*l^2)*D2).*(inv(K)*y*y'*inv(K) - inv(K))");
    });
  }

  it("is no bigger than 1.5× the hand-derived reference, definitions counted on both sides", () => {
    const text = readFileSync(`${root}gp-inputs-3d.matdiff`, "utf8");
    const [a] = expectNumericallyRight(text);
    const ours = a!.results[0]!.value.size + a!.definitions.reduce((n, [, body]) => n + body.size, 0);
    // the reference (corpus seed_gp_lml_inputs_3d): −s2/l²(diag(C1) − C)X, C = (aaᵀ − K⁻¹) ⊙ exp(−D2/(2l²)), a = K⁻¹y
    const setup = text.split("\n").filter((l) => !l.startsWith("grad")).join("\n");
    const ref = problem(`${setup}\na = inv(K)*y\nC = (a*a' - inv(K)) .* exp(-D2/(2*l^2))\nG = -s2/l^2*(diag(C*ones(N)) - C)*X`);
    const refSize = ["a", "C", "G"].reduce((n, name) => n + ref.defsByName.get(name)!.body.size, 0);
    expect(ours / refSize).toBeLessThanOrEqual(1.5);
  });
});
describe("functions ML code uses", () => {
  it("softplus and logsigmoid: the logistic loss as written in PyTorch", () => {
    const [a] = expectNumericallyRight("X : matrix(N, d); w : vector(d); y : vector(N)\ngrad sum(softplus(X*w)) - y'*(X*w) wrt w");
    expect(plainGradients(a!)).toEqual(["X'*(sigmoid(X*w) - y)"]);
    expectNumericallyRight("X : matrix(N, d); w : vector(d); y : vector(N)\ngrad -y'*logsigmoid(X*w) - (1 - y)'*logsigmoid(-X*w) wrt w");
    const h = problem("X : matrix(N, d); w : vector(d)\nhessian sum(softplus(X*w)) wrt w");
    const H = answerQuery(h, h.queries[0]!, { check: { points: 3 } });
    expect(H.ok && printExpr(H.value.results[0]!.value, "plain")).toBe("X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X");
    expect(H.ok && H.value.check!.ok).toBe(true);
  });

  it("mean is the sum over the number of entries", () => {
    const [a] = expectNumericallyRight("x : vector(n); A : matrix(m, n)\ngrad mean(x.^2) + mean(A*x) wrt x");
    expect(plainGradients(a!)).toEqual(["1/m*A'*ones(m) + 2/n*x"]);
    expectNumericallyRight("X : matrix(n, m); W : matrix(m, k)\ngrad mean((X*W).^2) wrt W");
  });

  it("the operator glyphs of unicode answers are accepted as input: − and ⊘", () => {
    const [a] = expectNumericallyRight("x : vector(n); y : vector(n)\ngrad sum(x ⊘ (1 + y)) − x'*x wrt x");
    expect(plainGradients(a!)).toEqual(["1./(y + 1) - 2*x"]);
  });
});

describe("constants fold", () => {
  it("functions of zero with exact values, and vec of a row", () => {
    const [a] = expectNumericallyRight("y : vector(m); x : vector(n); s : scalar\ngrad sum(cos(zeros(m)) .* y) + sum(exp(0*x) .* x) + sigmoid(0)*s wrt y, s");
    expect(plainGradients(a!)).toEqual(["ones(m)", "1/2"]);
    const [b] = expectNumericallyRight("x : vector(n); s : scalar\ngrad sum(vec(x'))*s + sum(log(ones(n)) + tanh(zeros(n))) wrt s");
    expect(plainGradients(b!)).toEqual(["sum(x)"]);
  });
});

describe("textbook forms (issue: the language and the answers ML people expect)", () => {
  it("log|det X| gives X⁻ᵀ: det(X)²/|det X|² is 1", () => {
    const [a] = expectNumericallyRight("X : matrix(n, n)\ngrad log(abs(det(X))) wrt X");
    expect(plainGradients(a!)).toEqual(["inv(X)'"]);
  });
  it("the VAE KL in σ reads s − 1 ⊘ s, not s.^1 ⊘ s.^2", () => {
    const [a] = expectNumericallyRight("s : vector(n); m : vector(n)\ngrad 1/2*sum(s.^2 + m.^2 - 1 - log(s.^2)) wrt s");
    expect(plainGradients(a!)).toEqual(["s - 1./s"]);
  });
  it("powers of one base meet in an elementwise quotient, and |x|.^2 is x.^2", () => {
    const [a] = expectNumericallyRight("s : vector(n); x : vector(n)\ngrad sum(s.^3 ./ s) + sum(abs(x).^2) wrt s, x");
    expect(plainGradients(a!)).toEqual(["2*s", "2*x"]);
  });
  it("ReLU's derivative is written with the step function: step(Wx)xᵀ", () => {
    const [a] = expectNumericallyRight("W : matrix(m, n); x : vector(n)\ngrad sum(relu(W*x)) wrt W");
    expect(plainGradients(a!)).toEqual(["step(W*x)*x'"]);
    const [b] = expectNumericallyRight("W1 : matrix(m, d); x : vector(d); w2 : vector(m)\ngrad (w2'*relu(W1*x) - 1)^2 wrt W1");
    expect(plainGradients(b!)[0]).toContain("step(W1*x)");
    expect(plainGradients(b!)[0]).not.toContain("./");
  });
  it("softmax cross-entropy reads (sum(y) s − y)xᵀ: softmax(z)ᵀ(y ⊘ softmax(z)) is sum(y)", () => {
    const [a] = expectNumericallyRight("W : matrix(k, d); x : vector(d); y : vector(k)\ngrad -y'*log(softmax(W*x)) wrt W");
    expect(plainGradients(a!)).toEqual(["(sum(y)*softmax(W*x) - y)*x'"]);
    const [b] = expectNumericallyRight("u : vector(k); y : vector(k); x : vector(k); c : scalar\ngrad c*(y./u)'*u + x'*u*u'*(y./u) wrt c, x");
    expect(plainGradients(b!)).toEqual(["sum(y)", "sum(y)*u"]);
  });
  it("logistic regression with 0/1 labels reads Xᵀ(σ(Xw) − y): (1 − σ) ⊘ (σ − 1) is −1", () => {
    const [a] = expectNumericallyRight("X : matrix(N, d); w : vector(d); y : vector(N)\ngrad -sum(y.*log(sigmoid(X*w)) + (1-y).*log(1-sigmoid(X*w))) wrt w");
    expect(plainGradients(a!)).toEqual(["X'*(sigmoid(X*w) - y)"]);
  });
  it("vec and Kronecker answers come back to matrix form: (B ⊗ A)vec(X) = vec(AXBᵀ)", () => {
    const [a] = expectNumericallyRight("Y : matrix(n, m); A : matrix(m, m); B : matrix(n, n)\ngrad vec(Y)'*kron(A, B)*vec(Y) wrt Y");
    expect(plainGradients(a!)).toEqual(["B*Y*A' + B'*Y*A"]);
    const [b] = expectNumericallyRight("A : matrix(k, n); X : matrix(n, m); B : matrix(p, m); C : matrix(k, p)\ngrad norm2(kron(B, A)*vec(X) - vec(C))^2 wrt X");
    expect(plainGradients(b!)).toEqual(["2*A'*(A*X*B' - C)*B"]);
  });
  it("asking for beta too leaves the GPLVM answer as it was, (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z; y − m keeps its orientation", () => {
    const [z] = expectNumericallyRight("Y : matrix(N, D); Z : matrix(N, Q); beta : scalar\nK = Z*Z' + 1/beta*I\ngrad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z");
    const [a] = expectNumericallyRight("Y : matrix(N, D); Z : matrix(N, Q); beta : scalar\nK = Z*Z' + 1/beta*I\ngrad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z, beta");
    expect(plainGradients(a!)[0]).toBe("(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z");
    expect(plainGradients(a!)[0]).toBe(plainGradients(z!)[0]);
    const [b] = expectNumericallyRight("y : vector(n); m : vector(n); S : spd(n)\ngrad 1/2*(y-m)'*inv(S)*(y-m) wrt m");
    expect(plainGradients(b!)).toEqual(["-inv(S)*(y - m)"]);
  });
  it("log_softmax(x) is x − logsumexp(x): the cross-entropy through it, and sum(𝟏) = n", () => {
    const [a] = expectNumericallyRight("W : matrix(k, d); x : vector(d); y : vector(k)\ngrad -y'*log_softmax(W*x) wrt W");
    expect(plainGradients(a!)[0]).toContain("softmax(W*x) - y)*x'");
    const [b] = expectNumericallyRight("z : vector(k)\ngrad sum(log_softmax(z)) wrt z");
    expect(plainGradients(b!)).toEqual(["1 - k*softmax(z)"]);
  });
});

describe("answers written with the user's definitions, inside longer chains too", () => {
  it("with a = K⁻¹y defined, the GP noise gradient reads ½(aᵀa − tr(K⁻¹)) (tr(K⁻¹yyᵀK⁻¹) = tr(aaᵀ) = aᵀa)", () => {
    const text = [
      "X : matrix(N, 1); y : vector(N); l : scalar; s2 : scalar; sn : scalar",
      "D2 = diag(X*X')*ones(N)' + ones(N)*diag(X*X')' - 2*X*X'",
      "K = s2*exp(-D2/(2*l^2)) + sn*I",
      "a = inv(K)*y",
      "grad -1/2*y'*inv(K)*y - 1/2*logdet(K) wrt sn",
    ].join("\n");
    const [g] = expectNumericallyRight(text);
    expect(unicodeGradients(g!)).toEqual(["½(aᵀa − tr(K⁻¹))"]);
  });
});

describe("labels declared simplex (columns of probabilities, one-hot included)", () => {
  it("softmax cross-entropy reads (s − y)xᵀ, and over a batch (P − Y)Xᵀ, checked at points drawn on the simplex", () => {
    // these forms are right only where the columns sum to 1: a check drawing other points would fail
    const [a] = expectNumericallyRight("W : matrix(k,d); x : vector(d); y : simplex(k)\ngrad -y'*log(softmax(W*x)) wrt W");
    expect(unicodeGradients(a!)).toEqual(["(softmax(Wx) − y)xᵀ"]);
    const [b] = expectNumericallyRight("W : matrix(k,d); X : matrix(d,N); Y : simplex(k,N)\ngrad -sum(Y .* log(softmax(W*X))) wrt W");
    expect(unicodeGradients(b!)).toEqual(["(softmax(WX) − Y)Xᵀ"]);
  });

  it("a simplex variable has no unconstrained gradient: declined", () => {
    expect(() => problem("y : simplex(k)\ngrad sum(y) wrt y")).toThrow(/declared simplex/);
  });
});
