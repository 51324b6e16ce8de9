// The functions a user can call, one row each: arity, shape rule, and the core node it builds.
// Aliases (trace, ln) are rows that build the same node. eye/ones/zeros take dimensions, not
// expressions, and are resolved separately (resolve.ts).

import { add, applyFn, dimValue, inv, kron, mul, ones, pow, numMinus1 } from "../expr/build.js";
import type { Expr, FnName } from "../expr/expr.js";
import {
  columnVectorShape,
  diagShape,
  kronShape,
  squareShape,
  vecShape,
  type DimAlgebra,
  type RuleResult,
  type Sh,
} from "../expr/shape.js";

export interface FunctionSpec {
  arity: number;
  shape<D>(alg: DimAlgebra<D>, args: Sh<D>[]): RuleResult<D>;
  build(args: Expr[]): Expr;
}

const scalarOf =
  (check?: <D>(alg: DimAlgebra<D>, a: Sh<D>) => RuleResult<D>) =>
  <D>(alg: DimAlgebra<D>, [a]: Sh<D>[]): RuleResult<D> => {
    if (check) {
      const r = check(alg, a!);
      if (!r.ok) return r;
    }
    return { ok: true, shape: [alg.one, alg.one] };
  };

const sameShape = <D>(_alg: DimAlgebra<D>, [a]: Sh<D>[]): RuleResult<D> => ({ ok: true, shape: a! });

function square(what: string) {
  return <D>(alg: DimAlgebra<D>, a: Sh<D>) => squareShape(alg, what, a);
}

function elementwise(fn: FnName): FunctionSpec {
  return { arity: 1, shape: sameShape, build: ([a]) => applyFn(fn, [a!]) };
}

function scalarValued(fn: FnName, check?: <D>(alg: DimAlgebra<D>, a: Sh<D>) => RuleResult<D>): FunctionSpec {
  return { arity: 1, shape: scalarOf(check), build: ([a]) => applyFn(fn, [a!]) };
}

/** log_softmax(x) = x − logsumexp(x)𝟏, as PyTorch and JAX write the stable log-probabilities. */
function logSoftmaxOf(x: Expr): Expr {
  return add([x, mul([numMinus1, applyFn("logsumexp", [x]), ones(x.shape)])]);
}

function meanOf(a: Expr): Expr {
  const sizes = a.shape.filter((d) => d !== 1).map((d) => pow(dimValue(d), numMinus1));
  return mul([...sizes, applyFn("sum", [a])]);
}

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ["inv", { arity: 1, shape: (alg, [a]) => squareShape(alg, "inv", a!), build: ([a]) => inv(a!) }],
  ["det", scalarValued("det", square("det"))],
  ["logdet", scalarValued("logdet", square("logdet"))],
  ["tr", scalarValued("tr", square("tr"))],
  ["trace", scalarValued("tr", square("trace"))],
  ["sum", scalarValued("sum")],
  ["norm2", scalarValued("norm2")],
  ["norm1", scalarValued("norm1")],
  ["logsumexp", scalarValued("logsumexp")],
  [
    "softmax",
    // of a matrix, column by column: each column is a distribution (vectors are columns)
    { arity: 1, shape: (_alg, [a]) => ({ ok: true, shape: a! }), build: ([a]) => applyFn("softmax", [a!]) },
  ],
  [
    "diag",
    {
      arity: 1,
      shape: (alg, [a]) => diagShape(alg, a!),
      // a column vector becomes a diagonal matrix; a square matrix gives its diagonal
      build: ([a]) => applyFn(a!.shape[1] === 1 ? "diagm" : "diagv", [a!]),
    },
  ],
  ["vec", { arity: 1, shape: (alg, [a]) => vecShape(alg, a!), build: ([a]) => applyFn("vec", [a!]) }],
  ["kron", { arity: 2, shape: (alg, [a, b]) => kronShape(alg, a!, b!), build: ([a, b]) => kron(a!, b!) }],
  ["exp", elementwise("exp")],
  ["log", elementwise("log")],
  ["ln", elementwise("log")],
  ["sqrt", elementwise("sqrt")],
  ["sin", elementwise("sin")],
  ["cos", elementwise("cos")],
  ["tan", elementwise("tan")],
  ["tanh", elementwise("tanh")],
  ["sigmoid", elementwise("sigmoid")],
  ["softplus", elementwise("softplus")],
  ["logsigmoid", elementwise("logsigmoid")],
  // mean(X) = sum(X)/(rows·cols), written with the sizes so answers read 1/n 𝟏
  ["mean", { arity: 1, shape: scalarOf(), build: ([a]) => meanOf(a!) }],
  [
    "log_softmax",
    { arity: 1, shape: (alg, [a]) => columnVectorShape(alg, "log_softmax", a!), build: ([a]) => logSoftmaxOf(a!) },
  ],
  ["relu", elementwise("relu")],
  ["step", elementwise("step")],
  ["abs", elementwise("abs")],
]);

/** Functions whose arguments are dimensions: eye(n), ones(n), ones(n, m), zeros(n, m). */
export const DIMENSION_FUNCTIONS = new Set(["eye", "ones", "zeros", "commutation"]);

/** Names a user cannot declare: every function, and I (the identity). */
export const RESERVED_NAMES = new Set([...FUNCTIONS.keys(), ...DIMENSION_FUNCTIONS, "I", "partial", "pi", "π", "𝟏"]);
