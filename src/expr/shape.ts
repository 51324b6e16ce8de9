// Shapes and the shape rules of every operator, written once.
//
// The rules are generic over a "dimension algebra" so the same code serves two callers:
// - resolve/infer, where dimensions may be unknowns (the size of `I`) unified by union-find and a
//   clash becomes a user-facing error with source spans;
// - the core smart constructors, where dimensions are known and a clash is an internal bug.

/** A core dimension: 1, a positive integer, a dimension name, or a product `n*m` (kron, vec). */
export type Dim = number | string;
export type Shape = readonly [Dim, Dim];

export const SCALAR: Shape = [1, 1];

export interface DimAlgebra<D> {
  /** Make a and b equal if they can be; false when they are different known sizes. */
  unify(a: D, b: D): boolean;
  /** Known to be exactly 1 (never true of a dimension name or an unknown). */
  isOne(a: D): boolean;
  /** Known to be a size other than 1 (a dimension name, n*m, or an integer > 1; never an unknown). */
  isKnownNotOne(a: D): boolean;
  one: D;
  product(a: D, b: D): D | undefined;
}

export type Sh<D> = readonly [D, D];

export type ShapeRuleError =
  | { code: "clash"; what: string; left: Sh<unknown>; right: Sh<unknown> }
  | { code: "not-square"; what: string; shape: Sh<unknown> }
  | { code: "not-scalar"; what: string; shape: Sh<unknown> }
  | { code: "not-vector"; what: string; shape: Sh<unknown> }
  | { code: "unknown-size"; what: string };

export type RuleResult<D> = { ok: true; shape: Sh<D> } | { ok: false; error: ShapeRuleError };

const ok = <D>(shape: Sh<D>): RuleResult<D> => ({ ok: true, shape });
const fail = <D>(error: ShapeRuleError): RuleResult<D> => ({ ok: false, error });

export function isScalarShape<D>(alg: DimAlgebra<D>, s: Sh<D>): boolean {
  return alg.isOne(s[0]) && alg.isOne(s[1]);
}

/** `+ - .* ./ .^`: same shape, or a scalar operand broadcast to the other (NumPy/MATLAB). */
export function elementwiseShape<D>(alg: DimAlgebra<D>, what: string, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  if (isScalarShape(alg, a)) return ok(b);
  if (isScalarShape(alg, b)) return ok(a);
  if (alg.unify(a[0], b[0]) && alg.unify(a[1], b[1])) return ok(a);
  return fail({ code: "clash", what, left: a, right: b });
}

/**
 * `+ - .* ./ .^` as the user writes them: equal shapes, a scalar, or (as in NumPy) a row 1×m or a
 * column n×1 against an n×m operand, stretched along the axis the other has and it lacks:
 * `X - mu'` for an n×d X and a d-vector mu. The core constructors never broadcast on their own.
 */
export function broadcastShape<D>(alg: DimAlgebra<D>, what: string, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  if (isScalarShape(alg, a)) return ok(b);
  if (isScalarShape(alg, b)) return ok(a);
  for (const axis of [0, 1] as const) {
    const other = 1 - axis;
    if (alg.isOne(a[axis]) && alg.isKnownNotOne(b[axis]) && alg.unify(a[other], b[other])) return ok(b);
    if (alg.isOne(b[axis]) && alg.isKnownNotOne(a[axis]) && alg.unify(a[other], b[other])) return ok(a);
  }
  return elementwiseShape(alg, what, a, b);
}

/** `*`: matrix product, or scaling when either side is a scalar. */
export function productShape<D>(alg: DimAlgebra<D>, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  if (isScalarShape(alg, a)) return ok(b);
  if (isScalarShape(alg, b)) return ok(a);
  if (alg.unify(a[1], b[0])) return ok([a[0], b[1]]);
  return fail({ code: "clash", what: "*", left: a, right: b });
}

/** `/`: division by a scalar only. */
export function divideShape<D>(alg: DimAlgebra<D>, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  if (isScalarShape(alg, b)) return ok(a);
  return fail({ code: "not-scalar", what: "/", shape: b });
}

/** `A : B` = sum(A .* B). */
export function frobeniusShape<D>(alg: DimAlgebra<D>, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  if (alg.unify(a[0], b[0]) && alg.unify(a[1], b[1])) return ok([alg.one, alg.one]);
  return fail({ code: "clash", what: ":", left: a, right: b });
}

export function squareShape<D>(alg: DimAlgebra<D>, what: string, a: Sh<D>): RuleResult<D> {
  if (alg.unify(a[0], a[1])) return ok(a);
  return fail({ code: "not-square", what, shape: a });
}

export function transposeShape<D>(a: Sh<D>): Sh<D> {
  return [a[1], a[0]];
}

export function kronShape<D>(alg: DimAlgebra<D>, a: Sh<D>, b: Sh<D>): RuleResult<D> {
  const r = alg.product(a[0], b[0]);
  const c = alg.product(a[1], b[1]);
  if (r === undefined || c === undefined) return fail({ code: "unknown-size", what: "kron" });
  return ok([r, c]);
}

export function vecShape<D>(alg: DimAlgebra<D>, a: Sh<D>): RuleResult<D> {
  const n = alg.product(a[0], a[1]);
  if (n === undefined) return fail({ code: "unknown-size", what: "vec" });
  return ok([n, alg.one]);
}

/** diag(v) of a column vector is n×n; diag(X) of a square matrix is its diagonal, n×1. */
export function diagShape<D>(alg: DimAlgebra<D>, a: Sh<D>): RuleResult<D> {
  if (alg.isOne(a[1])) return ok([a[0], a[0]]);
  if (alg.unify(a[0], a[1])) return ok([a[0], alg.one]);
  return fail({ code: "not-square", what: "diag", shape: a });
}

export function columnVectorShape<D>(alg: DimAlgebra<D>, what: string, a: Sh<D>): RuleResult<D> {
  if (alg.isOne(a[1])) return ok(a);
  return fail({ code: "not-vector", what, shape: a });
}

// ---------------------------------------------------------------- the core's own algebra

/** Product of two core dimensions, normalised: numbers multiplied, names sorted (`m*n`). */
export function dimProduct(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === "number" && typeof b === "number") return a * b;
  const parts = [...String(a).split("*"), ...String(b).split("*")];
  const nums = parts.filter((p) => /^\d+$/.test(p)).reduce((acc, p) => acc * Number(p), 1);
  const names = parts.filter((p) => !/^\d+$/.test(p)).sort();
  return [...(nums !== 1 ? [String(nums)] : []), ...names].join("*");
}

export const coreDims: DimAlgebra<Dim> = {
  unify: (a, b) => a === b,
  isOne: (a) => a === 1,
  isKnownNotOne: (a) => a !== 1,
  one: 1,
  product: dimProduct,
};

export function formatShape(s: Sh<unknown>): string {
  return `${String(s[0])}×${String(s[1])}`;
}

export function shapeEquals(a: Shape, b: Shape): boolean {
  return a[0] === b[0] && a[1] === b[1];
}
