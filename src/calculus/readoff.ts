// The read-off: given a scalar differential written G : T (T linear in the differentials), move
// everything around the differential to G's side until it reads Gᵢ : dX, using the Frobenius
// product identities below. This is reverse accumulation done symbolically: each move is one
// identity of the table, so a derivation can name it.

import {
  applyFn,
  eye,
  frobenius,
  hadamard,
  hdiv,
  kron,
  mul,
  ones,
  transpose,
} from "../expr/build.js";
import type { Dim } from "../expr/shape.js";
import { hasDVar, isScalar, type Expr } from "../expr/expr.js";
import { fail } from "../diagnostics/diagnostic.js";
import { printExpr } from "../print/index.js";

export interface FrobeniusMove {
  id: string;
  /** The identity in the user's syntax, `lhs = rhs`, with holes; checked numerically in the tests. */
  lhs: string;
  rhs: string;
  statement: string;
  cite: string;
  /** Hole types for the numeric check. */
  sample: Record<string, string>;
}

export const FROBENIUS_MOVES: readonly FrobeniusMove[] = [
  {
    id: "frob-transpose",
    lhs: "?G : ?Y'",
    rhs: "?G' : ?Y",
    statement: "A : Bᵀ = Aᵀ : B",
    cite: "tr(AᵀBᵀ) = tr(BA) (Matrix Cookbook (2012) eq. (16))",
    sample: { G: "matrix(3,2)", Y: "matrix(2,3)" },
  },
  {
    id: "frob-left",
    lhs: "?G : ?A*?Y",
    rhs: "?A'*?G : ?Y",
    statement: "G : AY = AᵀG : Y",
    cite: "cyclic trace, Matrix Cookbook (2012) eq. (16)",
    sample: { G: "matrix(3,2)", A: "matrix(3,4)", Y: "matrix(4,2)" },
  },
  {
    id: "frob-right",
    lhs: "?G : ?Y*?B",
    rhs: "?G*?B' : ?Y",
    statement: "G : YB = GBᵀ : Y",
    cite: "cyclic trace, Matrix Cookbook (2012) eq. (16)",
    sample: { G: "matrix(3,2)", Y: "matrix(3,4)", B: "matrix(4,2)" },
  },
  {
    id: "frob-scalar-factor",
    lhs: "?G : ?s*?M",
    rhs: "(?G : ?M)*?s",
    statement: "G : (s M) = (G : M) s for a scalar s",
    cite: "bilinearity",
    sample: { G: "matrix(3,2)", s: "scalar", M: "matrix(3,2)" },
  },
  {
    id: "frob-trace",
    lhs: "?g*tr(?Y)",
    rhs: "?g*eye_like(?Y) : ?Y",
    statement: "g tr(Y) = gI : Y",
    cite: "tr(Y) = I : Y",
    sample: { g: "scalar", Y: "matrix(3,3)" },
  },
  {
    id: "frob-sum",
    lhs: "?g*sum(?Y)",
    rhs: "?g*ones_like(?Y) : ?Y",
    statement: "g sum(Y) = g 𝟏𝟏ᵀ : Y",
    cite: "sum(Y) = 𝟏𝟏ᵀ : Y",
    sample: { g: "scalar", Y: "matrix(3,2)" },
  },
  {
    id: "frob-hadamard",
    lhs: "?G : ?E .* ?Y",
    rhs: "?G .* ?E : ?Y",
    statement: "G : (E ⊙ Y) = (G ⊙ E) : Y",
    cite: "Hadamard and Frobenius products commute (Magnus & Neudecker)",
    sample: { G: "matrix(3,2)", E: "matrix(3,2)", Y: "matrix(3,2)" },
  },
  {
    id: "frob-hdiv",
    lhs: "?G : ?Y ./ ?B",
    rhs: "?G ./ ?B : ?Y",
    statement: "G : (Y ⊘ B) = (G ⊘ B) : Y",
    cite: "Hadamard and Frobenius products commute",
    sample: { G: "matrix(3,2)", Y: "matrix(3,2)", B: "matrix(3,2)" },
  },
  {
    id: "frob-diag",
    lhs: "?G : diag(?y)",
    rhs: "diag(?G) : ?y",
    statement: "G : diag(y) = diag(G) : y",
    cite: "only the diagonal of G meets diag(y)",
    sample: { G: "matrix(3,3)", y: "vector(3)" },
  },
  {
    id: "frob-diag-of-matrix",
    lhs: "?g : diag(?Y)",
    rhs: "diag(?g) : ?Y",
    statement: "g : diag(Y) = diag(g) : Y",
    cite: "only the diagonal of Y meets diag(g)",
    sample: { g: "vector(3)", Y: "matrix(3,3)" },
  },
  {
    id: "frob-vec",
    lhs: "?g : vec(?Y)",
    rhs: "kron(ones(2)', eye(3))*((?g*ones(2)') .* kron(eye(2), ones(3))) : ?Y",
    statement: "g : vec(Y) = unvec(g) : Y, unvec(g) = (𝟏ₘᵀ ⊗ Iₙ)((g𝟏ₘᵀ) ⊙ (Iₘ ⊗ 𝟏ₙ))",
    cite: "vec stacks columns (Magnus & Neudecker, ch. 2)",
    sample: { g: "vector(6)", Y: "matrix(3,2)" },
  },
  {
    id: "frob-kron-right",
    lhs: "?G : kron(?A, ?Y)",
    rhs: "kron(ones(2)', eye(3))*(?G .* kron(?A, ones(3,4)))*kron(ones(5), eye(4)) : ?Y",
    statement: "G : (A ⊗ Y) = Σᵢⱼ Aᵢⱼ Gᵢⱼ : Y = (𝟏ₚᵀ ⊗ I)(G ⊙ (A ⊗ 𝟏𝟏ᵀ))(𝟏_q ⊗ I) : Y",
    cite: "blocks of a Kronecker product (Matrix Cookbook (2012) sec. 10.2)",
    sample: { G: "matrix(6,20)", A: "matrix(2,5)", Y: "matrix(3,4)" },
  },
  {
    id: "frob-kron-left",
    lhs: "?G : kron(?Y, ?B)",
    rhs: "kron(eye(2), ones(3)')*(?G .* kron(ones(2,5), ?B))*kron(eye(5), ones(4)) : ?Y",
    statement: "G : (Y ⊗ B) = [Gᵢⱼ : B]ᵢⱼ : Y = (I ⊗ 𝟏ᵀ)(G ⊙ (𝟏𝟏ᵀ ⊗ B))(I ⊗ 𝟏) : Y",
    cite: "blocks of a Kronecker product (Matrix Cookbook (2012) sec. 10.2)",
    sample: { G: "matrix(6,20)", Y: "matrix(2,5)", B: "matrix(3,4)" },
  },
];

/** Gradient contributions per name (the variable, and the user's definitions as intermediates). */
export type Contributions = Map<string, Expr[]>;

function contribute(out: Contributions, name: string, g: Expr): void {
  const list = out.get(name);
  if (list) list.push(g);
  else out.set(name, [g]);
}

function decline(term: Expr): never {
  return fail("unsupported", `cannot bring the term ${printExpr(term, "plain")} to the form G : dX`, {
    hint: "this construct is not differentiable by the engine yet",
  });
}

/** Record the gradient contributions of `G : t` (G has t's shape; t is linear in differentials). */
export function readoff(G: Expr, t: Expr, out: Contributions, trace?: Set<string>): void {
  if (!hasDVar(t)) return;
  const move = (id: string) => trace?.add(id);
  switch (t.kind) {
    case "dvar":
      return contribute(out, t.name, G);
    case "add":
      for (const term of t.args) readoff(G, term, out, trace); // linearity
      return;
    case "transpose":
      move("frob-transpose");
      return readoff(transpose(G), t.args[0]!, out, trace);
    case "mul":
      return readoffProduct(G, t, out, trace);
    case "hadamard": {
      move("frob-hadamard");
      const i = t.args.findIndex(hasDVar);
      const others = t.args.filter((_, j) => j !== i);
      return readoff(hadamard([G, ...others]), t.args[i]!, out, trace);
    }
    case "hdiv":
      if (hasDVar(t.args[1]!)) decline(t);
      move("frob-hdiv");
      return readoff(hdiv(G, t.args[1]!), t.args[0]!, out, trace);
    case "kron": {
      const [a, b] = t.args as [Expr, Expr];
      if (hasDVar(a) && hasDVar(b)) decline(t);
      move(hasDVar(b) ? "frob-kron-right" : "frob-kron-left");
      return hasDVar(b) ? readoff(kronRightGradient(G, a, b), b, out, trace) : readoff(kronLeftGradient(G, a, b), a, out, trace);
    }
    case "apply":
      return readoffApply(G, t, out, trace);
    default:
      return decline(t);
  }
}

function readoffApply(G: Expr, t: Extract<Expr, { kind: "apply" }>, out: Contributions, trace?: Set<string>): void {
  const y = t.args[0]!;
  const next = (id: string, g: Expr) => {
    trace?.add(id);
    readoff(g, y, out, trace);
  };
  switch (t.fn) {
    case "tr":
      return next("frob-trace", mul([G, eye(y.shape[0])]));
    case "sum":
      return next("frob-sum", mul([G, ones(y.shape)]));
    case "diagm":
      return next("frob-diag", applyFn("diagv", [G]));
    case "diagv":
      return next("frob-diag-of-matrix", applyFn("diagm", [G]));
    case "vec":
      return next("frob-vec", unvec(G, y.shape[0], y.shape[1]));
    default:
      return decline(t);
  }
}

/** G : c·s₁…·A₁…Y…B₁… — move scalars and the factors left and right of Y onto G. */
function readoffProduct(G: Expr, t: Expr, out: Contributions, trace?: Set<string>): void {
  const factors = t.args;
  const i = factors.findIndex(hasDVar);
  if (factors.slice(i + 1).some(hasDVar)) decline(t); // not linear: cannot happen for a differential
  const y = factors[i]!;
  const others = factors.filter((_, j) => j !== i);
  if (isScalar(y) && !isScalar(t)) {
    // frob-scalar-factor: G : (s M) = (G : M) s
    trace?.add("frob-scalar-factor");
    return readoff(frobenius(G, mul(others)), y, out, trace);
  }
  if (isScalar(y)) return readoff(mul([G, ...others]), y, out, trace);
  const scalars = others.filter(isScalar);
  const left = factors.slice(0, i).filter((f) => !isScalar(f));
  const right = factors.slice(i + 1);
  // frob-left and frob-right at once: G : L Y R = Lᵀ G Rᵀ : Y
  if (left.length) trace?.add("frob-left");
  if (right.length) trace?.add("frob-right");
  // (Lᵀ as the transposed factors in reverse, not the transpose of their product: one product built, not three)
  const moved = mul([...scalars, ...transposedReversed(left), G, ...transposedReversed(right)]);
  return readoff(moved, y, out, trace);
}

/** The factors of (F₁⋯Fₖ)ᵀ = Fₖᵀ⋯F₁ᵀ. */
function transposedReversed(factors: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  for (let i = factors.length - 1; i >= 0; i--) out.push(transpose(factors[i]!));
  return out;
}

const col = (n: Dim): Expr => ones([n, 1]);
const row = (n: Dim): Expr => transpose(ones([n, 1]));

/** unvec(g) for an n×m Y: (𝟏ₘᵀ ⊗ Iₙ)((g𝟏ₘᵀ) ⊙ (Iₘ ⊗ 𝟏ₙ)) (frob-vec). */
function unvec(g: Expr, n: Dim, m: Dim): Expr {
  const inner = g.kind === "apply" && g.fn === "vec" ? g.args[0]! : undefined;
  if (inner && inner.shape[0] === n && inner.shape[1] === m) return inner; // unvec(vec(Z)) = Z
  return mul([kron(row(m), eye(n)), hadamard([mul([g, row(m)]), kron(eye(m), col(n))])]);
}

/** G : (A ⊗ Y) = Σᵢⱼ Aᵢⱼ Gᵢⱼ : Y, the blocks summed with Kronecker products of ones (frob-kron-right). */
function kronRightGradient(G: Expr, a: Expr, y: Expr): Expr {
  const [p, q] = a.shape;
  const [m, n] = y.shape;
  return mul([kron(row(p), eye(m)), hadamard([G, kron(a, ones([m, n]))]), kron(col(q), eye(n))]);
}

/** G : (Y ⊗ B) = [Gᵢⱼ : B]ᵢⱼ : Y (frob-kron-left). */
function kronLeftGradient(G: Expr, y: Expr, b: Expr): Expr {
  const [p, q] = y.shape;
  const [m, n] = b.shape;
  return mul([kron(eye(p), row(m)), hadamard([G, kron(ones([p, q]), b)]), kron(eye(q), col(n))]);
}
