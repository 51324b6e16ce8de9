// Differential identities as data: one row per function, the right-hand side in the user's own
// syntax with `?X` for the argument and `d(?X)` for its differential. The id names the step in
// derivations; `cite` is shown to the user; `sample` and `domain` tell the rule-table test where
// to check the identity numerically (test/calculus/rule-tables.test.ts walks every row).
//
// Structural rules (sums, products, powers, Hadamard products) are recursion, in differential.ts.

import type { FnName } from "../expr/expr.js";
import { compileTemplate, type Template } from "../rewrite/template.js";

export interface DifferentialRule {
  id: string;
  head: FnName | "inv";
  /** Applies only when the argument is a column vector. */
  when?: "column";
  rhs: string;
  /** The identity as a reader sees it. */
  statement: string;
  cite: string;
  /** Argument type for the numeric check of this row. */
  sample: string;
  domain?: "positive" | "nonzero";
}

export const DIFFERENTIAL_RULES: readonly DifferentialRule[] = [
  {
    id: "d-inv",
    head: "inv",
    rhs: "-inv(?X)*d(?X)*inv(?X)",
    statement: "d(X⁻¹) = −X⁻¹ dX X⁻¹",
    cite: "Matrix Cookbook (2012) eq. (59)",
    sample: "matrix(3,3)",
  },
  {
    id: "d-det",
    head: "det",
    rhs: "det(?X)*tr(inv(?X)*d(?X))",
    statement: "d|X| = |X| tr(X⁻¹ dX)",
    cite: "Matrix Cookbook (2012) eq. (46)",
    sample: "matrix(3,3)",
  },
  {
    id: "d-logdet",
    head: "logdet",
    rhs: "tr(inv(?X)*d(?X))",
    statement: "d log|X| = tr(X⁻¹ dX)",
    cite: "Matrix Cookbook (2012) eq. (57)",
    sample: "spd(3)",
  },
  {
    id: "d-tr",
    head: "tr",
    rhs: "tr(d(?X))",
    statement: "d tr(X) = tr(dX)",
    cite: "Matrix Cookbook (2012) eq. (36)",
    sample: "matrix(3,3)",
  },
  { id: "d-sum", head: "sum", rhs: "sum(d(?X))", statement: "d sum(X) = sum(dX)", cite: "linearity", sample: "matrix(3,2)" },
  {
    id: "d-diag",
    head: "diagm",
    rhs: "diag(d(?X))",
    statement: "d diag(x) = diag(dx)",
    cite: "linearity",
    sample: "vector(3)",
  },
  {
    id: "d-diag-of-matrix",
    head: "diagv",
    rhs: "diag(d(?X))",
    statement: "d diag(X) = diag(dX)",
    cite: "linearity",
    sample: "matrix(3,3)",
  },
  { id: "d-vec", head: "vec", rhs: "vec(d(?X))", statement: "d vec(X) = vec(dX)", cite: "Matrix Cookbook (2012) eq. (37)", sample: "matrix(3,2)" },
  {
    id: "d-exp",
    head: "exp",
    rhs: "exp(?X) .* d(?X)",
    statement: "d exp(X) = exp(X) ⊙ dX",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
  },
  {
    id: "d-log",
    head: "log",
    rhs: "d(?X) ./ ?X",
    statement: "d log(X) = dX ⊘ X",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
    domain: "positive",
  },
  {
    id: "d-sqrt",
    head: "sqrt",
    rhs: "d(?X) ./ (2*sqrt(?X))",
    statement: "d √X = dX ⊘ (2√X)",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
    domain: "positive",
  },
  { id: "d-sin", head: "sin", rhs: "cos(?X) .* d(?X)", statement: "d sin(X) = cos(X) ⊙ dX", cite: "elementwise chain rule", sample: "matrix(3,2)" },
  { id: "d-cos", head: "cos", rhs: "-sin(?X) .* d(?X)", statement: "d cos(X) = −sin(X) ⊙ dX", cite: "elementwise chain rule", sample: "matrix(3,2)" },
  {
    id: "d-tan",
    head: "tan",
    rhs: "d(?X) ./ cos(?X).^2",
    statement: "d tan(X) = dX ⊘ cos²(X)",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
  },
  {
    id: "d-tanh",
    head: "tanh",
    rhs: "(1 - tanh(?X).^2) .* d(?X)",
    statement: "d tanh(X) = (1 − tanh²(X)) ⊙ dX",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
  },
  {
    id: "d-softplus",
    head: "softplus",
    rhs: "sigmoid(?X) .* d(?X)",
    statement: "d softplus(X) = σ(X) ⊙ dX, softplus(x) = log(1 + eˣ)",
    cite: "standard (softplus′ = σ)",
    sample: "matrix(3,2)",
  },
  {
    id: "d-logsigmoid",
    head: "logsigmoid",
    rhs: "(1 - sigmoid(?X)) .* d(?X)",
    statement: "d log σ(X) = (1 − σ(X)) ⊙ dX",
    cite: "standard (σ′ = σ(1 − σ))",
    sample: "matrix(3,2)",
  },
  {
    id: "d-sigmoid",
    head: "sigmoid",
    rhs: "sigmoid(?X) .* (1 - sigmoid(?X)) .* d(?X)",
    statement: "d σ(X) = σ(X) ⊙ (1 − σ(X)) ⊙ dX",
    cite: "elementwise chain rule",
    sample: "matrix(3,2)",
  },
  {
    id: "d-relu",
    head: "relu",
    rhs: "step(?X) .* d(?X)",
    statement: "d relu(X) = step(X) ⊙ dX, step(x) = 1[x > 0] (almost everywhere)",
    cite: "almost-everywhere derivative",
    sample: "matrix(3,2)",
    domain: "nonzero",
  },
  {
    id: "d-step",
    head: "step",
    rhs: "0 .* d(?X)",
    statement: "d step(X) = 0 (almost everywhere: step is constant away from 0)",
    cite: "almost-everywhere derivative",
    sample: "matrix(3,2)",
    domain: "nonzero",
  },
  {
    id: "d-abs",
    head: "abs",
    rhs: "(?X ./ abs(?X)) .* d(?X)",
    statement: "d|X| = sign(X) ⊙ dX (almost everywhere)",
    cite: "almost-everywhere derivative",
    sample: "matrix(3,2)",
    domain: "nonzero",
  },
  {
    id: "d-norm2",
    head: "norm2",
    rhs: "(?X : d(?X)) / norm2(?X)",
    statement: "d‖X‖ = (X : dX)/‖X‖",
    cite: "Matrix Cookbook (2012) eq. (129)",
    sample: "matrix(3,2)",
  },
  {
    id: "d-norm1",
    head: "norm1",
    rhs: "(?X ./ abs(?X)) : d(?X)",
    statement: "d‖X‖₁ = sign(X) : dX (almost everywhere)",
    cite: "almost-everywhere derivative",
    sample: "matrix(3,2)",
    domain: "nonzero",
  },
  {
    id: "d-logsumexp",
    head: "logsumexp",
    when: "column",
    rhs: "softmax(?X)' * d(?X)",
    statement: "d logsumexp(x) = softmax(x)ᵀ dx",
    cite: "standard (softmax is the gradient of logsumexp)",
    sample: "vector(4)",
  },
  {
    id: "d-logsumexp-matrix",
    head: "logsumexp",
    rhs: "(exp(?X) / sum(exp(?X))) : d(?X)",
    statement: "d logsumexp(X) = (exp(X)/sum(exp(X))) : dX",
    cite: "standard",
    sample: "matrix(3,2)",
  },
  {
    id: "d-logsumexp-columns",
    head: "logsumexp_cols",
    rhs: "diag(eye_like(?X))' * (softmax(?X) .* d(?X))",
    statement: "d logsumexp(X, 1) = 𝟏ᵀ(softmax(X) ⊙ dX), softmax column by column",
    cite: "the vector rule, for each column",
    sample: "matrix(4,3)",
  },
  {
    id: "d-softmax",
    head: "softmax",
    when: "column",
    rhs: "softmax(?X) .* d(?X) - softmax(?X)*(softmax(?X)'*d(?X))",
    statement: "d softmax(x) = s ⊙ dx − s sᵀdx, s = softmax(x)",
    cite: "standard (Jacobian diag(s) − ssᵀ)",
    sample: "vector(4)",
  },
  {
    id: "d-softmax-columns",
    head: "softmax",
    rhs: "softmax(?X) .* d(?X) - softmax(?X) .* (ones_like(eye_like(?X)) * (softmax(?X) .* d(?X)))",
    statement: "d softmax(X) = S ⊙ dX − S ⊙ 𝟏𝟏ᵀ(S ⊙ dX), S = softmax(X) column by column",
    cite: "the vector rule, for each column",
    sample: "matrix(4,3)",
  },
];

export interface CompiledRule extends DifferentialRule {
  template: Template;
}

const compiled = new Map<string, CompiledRule[]>();

/**
 * The rules of one head, compiled on first use of that head (templates are parsed with the user
 * grammar; a query that never meets `det` never parses det's rules, which keeps a cold start short).
 */
export function rulesFor(head: string): CompiledRule[] {
  let list = compiled.get(head);
  if (!list) {
    list = DIFFERENTIAL_RULES.filter((r) => r.head === head).map((r) => ({ ...r, template: compileTemplate(r.rhs) }));
    compiled.set(head, list);
  }
  return list;
}

/** Structural rules (recursion in differential.ts, bookkeeping in gradient.ts), as a reader sees them. */
export const STRUCTURAL_RULES: ReadonlyArray<{ id: string; statement: string; cite: string }> = [
  { id: "d-linearity", statement: "d(A + B) = dA + dB", cite: "linearity" },
  { id: "d-product", statement: "d(AB) = dA B + A dB", cite: "Matrix Cookbook (2012) eq. (37)" },
  { id: "d-transpose", statement: "d(Xᵀ) = (dX)ᵀ", cite: "Matrix Cookbook (2012) eq. (35)" },
  { id: "d-hadamard", statement: "d(A ⊙ B) = dA ⊙ B + A ⊙ dB", cite: "Matrix Cookbook (2012) eq. (38)" },
  { id: "d-kron", statement: "d(A ⊗ B) = dA ⊗ B + A ⊗ dB", cite: "Matrix Cookbook (2012) eq. (39)" },
  { id: "d-quotient", statement: "d(A ⊘ B) = dA ⊘ B − (A ⊙ dB) ⊘ (B ⊙ B)", cite: "elementwise quotient rule" },
  { id: "d-scalar-power", statement: "d(x^p) = p x^(p−1) dx", cite: "power rule" },
  { id: "d-matrix-power", statement: "d(X^k) = Σᵣ Xʳ dX X^(k−1−r)", cite: "Matrix Cookbook (2012) eq. (91)" },
  { id: "d-trace-power", statement: "d tr(M^k) = k tr(M^(k−1) dM), k an integer", cite: "cyclic trace; Matrix Cookbook (2012) eq. (121)" },
  { id: "d-elementwise-power", statement: "d(A.^B) = B ⊙ A.^(B−1) ⊙ dA + A.^B ⊙ log(A) ⊙ dB", cite: "elementwise power rule" },
  { id: "read-off", statement: "df = G : dX ⇒ ∂f/∂X = G", cite: "Magnus & Neudecker, first identification theorem" },
  { id: "d-substitution", statement: "each dK replaced by its differential", cite: "chain rule" },
  { id: "vec-read-off", statement: "vec(A dX B) = (Bᵀ ⊗ A) vec(dX), vec(E ⊙ dX) = diag(vec E) vec(dX); d vec(F) = J d vec(X) ⇒ J", cite: "Matrix Cookbook (2012) eq. (520); Magnus & Neudecker, first identification theorem" },
  { id: "vec-diag", statement: "vec(diag(dv)) = diag(vec I)(𝟏 ⊗ I) dv, diag(dY) = (𝟏ᵀ ⊗ I) diag(vec I) vec(dY); diag(dv) r = diag(r) dv, tr(diag(dv)) = 𝟏ᵀdv", cite: "entrywise: diag(v) holds vᵢ at (i, i) and 0 elsewhere" },
  { id: "hessian-read-off", statement: "H = J(∇f): the Jacobian of the gradient", cite: "Magnus & Neudecker, second identification theorem" },
  { id: "symmetric-gradient", statement: "X symmetric: ∂f/∂X = (G + Gᵀ)/2", cite: "the symmetric gradient (LANGUAGE.md section 3)" },
];
