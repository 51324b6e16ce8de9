// Jacobians in numerator layout: J with d vec(F) = J d vec(X) (LANGUAGE.md section 3), read off
// the differential dF the way the gradient read-off works, with the vec identities:
//   vec(L dY R)  = (Rᵀ ⊗ L) vec(dY)                  Matrix Cookbook (2012) eq. (520)
//   vec(E ⊙ dY)  = diag(vec E) vec(dY)
//   vec(M s)     = vec(M) s                            for a scalar s (then s's own row)
//   tr(dY)       = vec(I)ᵀ vec(dY),  sum(dY) = 𝟏ᵀ vec(dY)
//   vec(diag(dv)) = diag(vec I)(𝟏 ⊗ I) dv,  diag(dY) = (𝟏ᵀ ⊗ I) diag(vec I) vec(dY)
//   vec(dYᵀ)     = K vec(dY)                           K the commutation matrix, commutation(p, q)
//   vec(A ⊗ dY)  = (Iₙ ⊗ K_{q,m} ⊗ I_p)(vec A ⊗ I) vec(dY)
// A Hessian is the Jacobian of the gradient.

import { add, applyFn, commutation, eye, hadamard, hdiv, isZero, kron, mul, num1, ones, transpose, zeros } from "../expr/build.js";
import { dimProduct, type Dim } from "../expr/shape.js";
import { componentName, forEachDistinct, hasDVar, isScalar, type Expr } from "../expr/expr.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Problem, VarInfo } from "../parse/resolve.js";
import { printExpr } from "../print/index.js";
import { mapBottomUp } from "../expr/transform.js";
import { COMPONENT_INDEX, DifferentialContext } from "./differential.js";
import { foldDefinitions } from "./gradient.js";

/** vec of an expression: itself when it is already a column. */
function vecOf(e: Expr): Expr {
  return e.shape[1] === 1 ? e : applyFn("vec", [e]);
}

function numel(e: Expr): ReturnType<typeof dimProduct> {
  return dimProduct(e.shape[0], e.shape[1]);
}

/** diag(vec Iₙ): keeps the entries of vec(Y) (Y n×n) that lie on Y's diagonal. */
function diagonalMask(n: Dim): Expr {
  return applyFn("diagm", [vecOf(eye(n))]);
}

function decline(term: Expr): never {
  return fail("unsupported", `cannot write the Jacobian of the term ${printExpr(term, "plain")} in closed form`, {
  });
}

/** J_T with vec(T) = J_T vec(dX), for T linear in the single differential dX of `x`. */
function jac(t: Expr, x: VarInfo): Expr {
  const cols = dimProduct(x.shape[0], x.shape[1]);
  if (!hasDVar(t)) return zeros([numel(t), cols]);
  switch (t.kind) {
    case "dvar":
      return eye(cols);
    case "add":
      return add(t.args.map((a) => jac(a, x)));
    case "transpose": {
      const y = t.args[0]!;
      if (y.shape[0] === 1 || y.shape[1] === 1) return jac(y, x); // vec(yᵀ) = vec(y) for a vector
      // vec(Yᵀ) = K vec(Y), K the commutation matrix of Y's shape
      return mul([commutation(y.shape[0], y.shape[1]), jac(y, x)]);
    }
    case "mul":
      return jacProduct(t, x);
    case "kron": {
      // vec(A ⊗ B) = (Iₙ ⊗ K_{q,m} ⊗ I_p)(vec A ⊗ vec B) for A m×n, B p×q (Magnus & Neudecker,
      // Theorem 3.10), and vec A ⊗ vec dB = (vec A ⊗ I) vec dB, vec dA ⊗ vec B = (I ⊗ vec B) vec dA
      const [a, b] = t.args as [Expr, Expr];
      if (hasDVar(a) && hasDVar(b)) return decline(t);
      const [m, n] = a.shape;
      const [p, q] = b.shape;
      const shuffle = kron(kron(eye(n), commutation(q, m)), eye(p));
      return hasDVar(b)
        ? mul([shuffle, kron(vecOf(a), eye(numel(b))), jac(b, x)])
        : mul([shuffle, kron(eye(numel(a)), vecOf(b)), jac(a, x)]);
    }
    case "hadamard": {
      const i = t.args.findIndex(hasDVar);
      const others = t.args.filter((_, j) => j !== i);
      const e = others.length === 1 ? others[0]! : hadamard(others);
      return mul([applyFn("diagm", [vecOf(e)]), jac(t.args[i]!, x)]);
    }
    case "hdiv": {
      if (hasDVar(t.args[1]!)) decline(t);
      const b = t.args[1]!;
      return mul([applyFn("diagm", [vecOf(hdiv(ones(b.shape), b))]), jac(t.args[0]!, x)]);
    }
    case "apply": {
      const y = t.args[0]!;
      switch (t.fn) {
        case "tr":
          // tr(diag(dv)) = 𝟏ᵀdv
          if (y.kind === "apply" && y.fn === "diagm") return mul([transpose(ones([y.shape[0], 1])), jac(y.args[0]!, x)]);
          return mul([transpose(vecOf(eye(y.shape[0]))), jac(y, x)]);
        case "sum":
          return mul([transpose(ones([numel(y), 1])), jac(y, x)]);
        case "vec":
          return jac(y, x);
        case "diagm": {
          // vec(diag(dv)) = diag(vec I)(𝟏ₙ ⊗ Iₙ) dv: n copies of dv, copy j masked to its entry j
          const n = y.shape[0];
          return mul([diagonalMask(n), kron(ones([n, 1]), eye(n)), jac(y, x)]);
        }
        case "diagv": {
          // diag(dY) = (𝟏ₙᵀ ⊗ Iₙ) diag(vec I) vec(dY): the diagonal entries of vec(dY), block by block
          const n = y.shape[0];
          return mul([kron(transpose(ones([n, 1])), eye(n)), diagonalMask(n), jac(y, x)]);
        }
        default:
          return decline(t);
      }
    }
    default:
      return decline(t);
  }
}

function jacProduct(t: Expr, x: VarInfo): Expr {
  const factors = t.args;
  const i = factors.findIndex(hasDVar);
  const y = factors[i]!;
  const others = factors.filter((_, j) => j !== i);
  if (isScalar(y)) {
    // vec(M s) = vec(M) s: the row of the scalar s, scaled by vec(M)
    return mul([vecOf(mul(others)), jac(y, x)]);
  }
  const scalars = others.filter(isScalar);
  const left = factors.slice(0, i).filter((f) => !isScalar(f));
  const right = factors.slice(i + 1);
  const L = left.length > 0 ? mul(left) : eye(y.shape[0]);
  const R = right.length > 0 ? mul(right) : eye(y.shape[1]);
  if (y.kind === "apply" && y.fn === "diagm" && right.length > 0 && R.shape[1] === 1) {
    // L diag(dv) r = L (r ⊙ dv) = L diag(r) dv, for a column r
    return mul([...scalars, ...left, applyFn("diagm", [R]), jac(y.args[0]!, x)]);
  }
  return mul([...scalars, kron(transpose(R), L), jac(y, x)]);
}

/** dF with every dK of a definition replaced by d(body of K): a linear expression in dX only. */
export function differentialIn(ctx: DifferentialContext, e: Expr): Expr {
  const expand = (x: Expr): Expr =>
    mapBottomUp(x, (n) => {
      if (n.kind !== "dvar" || n.name === ctx.wrt) return n;
      const def = ctx.problem.defsByName.get(n.name);
      return def ? expand(ctx.d(def.body)) : n;
    });
  return expand(ctx.d(e));
}

export function jacobian(problem: Problem, f: Expr, x: VarInfo): Expr {
  return jacobianFrom(problem, f, differentialIn(new DifferentialContext(problem, x.name), f), x);
}

/** The Jacobian of F read from its differential dF = differentialIn(…, F) in dX. */
function jacobianFrom(problem: Problem, f: Expr, dF: Expr, x: VarInfo): Expr {
  if (isZero(dF)) return zeros([numel(f), dimProduct(x.shape[0], x.shape[1])]);
  if (componentDifferential(dF, x)) {
    return fail("unsupported", `the Jacobian with respect to ${x.name} through functions of it is written per column: ask for jacobianColumn`);
  }
  // softmax(Kq) in a Jacobian is s when the user defined s = softmax(Kq), as in a gradient
  return foldDefinitions(problem, jac(dF, x));
}

/** The dθ_k that a differential through NAME(θ) of a vector θ is written with, if it occurs. */
export function componentDifferential(dF: Expr, x: VarInfo): Expr | undefined {
  const name = componentName(x.name, COMPONENT_INDEX);
  let found: Expr | undefined;
  forEachDistinct([dF], (e) => {
    if (e.kind === "dvar" && e.name === name) found = e;
  });
  return found;
}

/**
 * For a vector θ reached only through NAME(θ) declarations: column k of the Jacobian,
 * vec(∂F/∂θ_k), written with partial(NAME, θ, k) (dF = Σₖ ∂F/∂θₖ dθₖ, so the column is the
 * coefficient of dθₖ). A θ also used directly would need both forms at once and is declined.
 */
export function jacobianColumn(problem: Problem, f: Expr, x: VarInfo): Expr | undefined {
  const ctx = new DifferentialContext(problem, x.name);
  const dF = differentialIn(ctx, f);
  const dk = componentDifferential(dF, x);
  if (!dk) return undefined;
  if (mentionsDvar(dF, x.name)) {
    fail("unsupported", `${x.name} is used both directly and through functions of it; its Jacobian would need its components written out`);
  }
  const column = mapBottomUp(dF, (n) => (n === dk ? num1 : n));
  return vecOf(column);
}

function mentionsDvar(e: Expr, name: string): boolean {
  if (e.kind === "dvar") return e.name === name;
  return e.args.some((a) => mentionsDvar(a, name));
}

/**
 * The Hessian of a scalar f in vec coordinates, from its gradient g and the differential dG of g
 * (a Hessian query computes both once, and prints and checks them): the Jacobian of the gradient.
 * For a symmetric X the gradient is the symmetric one, and its differential is taken along
 * symmetric dX (dXᵀ = dX): H is the linear map with vec(d∇f) = H vec(dX) for every symmetric dX,
 * which is how it is checked.
 */
export function hessianOfGradient(problem: Problem, g: Expr, dG: Expr, x: VarInfo): Expr {
  return jacobianFrom(problem, g, dG, x);
}
