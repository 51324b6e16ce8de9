// The canonical product has a fast path (a chain times one more factor, src/expr/build.ts
// extendChain) that must give exactly the node the general path gives: one node per value,
// whichever way a product is built.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { add, applyFn, eye, generalProduct, hadamard, inv, kron, mul, num1, ones, pow, scale, transpose, zeros } from "../../src/expr/build.js";
import { childCount, factorsListed, firstFactor, hasDVar, isScalar, lastFactor, num, type Expr } from "../../src/expr/expr.js";
import { factorCommon } from "../../src/simplify/factor.js";
import { mapBottomUp, rebuild } from "../../src/expr/transform.js";
import * as Q from "../../src/expr/rational.js";
import { problem } from "../helpers.js";

const p = problem("A : matrix(n,n); B : matrix(n,n); C : matrix(n,n); x : vector(n)\ngrad x'*A*x wrt x");
const [A, B, C, x] = ["A", "B", "C", "x"].map((n) => p.vars.get(n)!.sym) as [Expr, Expr, Expr, Expr];

// square factors whose neighbours can cancel (A·A⁻¹), merge (A·A = A²) or stay apart
const SQUARE: Expr[] = [A, B, C, transpose(A), inv(A), inv(B), transpose(inv(A)), pow(A, num(Q.rat(2))), inv(pow(A, num(Q.rat(2))))];

/** Random ways to grow a chain: which square factor, and whether it goes on the left. */
const growthSteps = fc.array(fc.tuple(fc.integer({ min: 0, max: SQUARE.length - 1 }), fc.boolean()), { minLength: 2, maxLength: 12 });

describe("products: the one-factor fast path equals the general path", () => {
  it("for random chains of square factors, grown one factor at a time from either side", () => {
    fc.assert(
      fc.property(growthSteps, (steps) => {
        let grown: Expr = num1;
        const flat: Expr[] = [];
        for (const [i, onLeft] of steps) {
          const f = SQUARE[i]!;
          grown = onLeft ? mul([f, grown]) : mul([grown, f]);
          if (onLeft) flat.unshift(f);
          else flat.push(f);
        }
        // all factors at once, the general way
        expect(grown).toBe(generalProduct(flat));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it("a chain meeting a vector or its own inverse goes the general way", () => {
    const ab = mul([A, B]);
    expect(mul([ab, inv(B)])).toBe(A);
    expect(mul([ab, x])).toBe(mul([A, B, x]));
    expect(mul([transpose(x), ab])).toBe(mul([transpose(x), A, B]));
    expect(mul([ab, A, B])).toBe(mul([A, B, A, B]));
  });
});

describe("walks over grown chains: skipping a known-unchanged base gives the full walk's result", () => {
  // the reference: map every node after its children, no memo, no shortcut
  const naive = (e: Expr, f: (e: Expr) => Expr): Expr => {
    const args = e.args.map((a) => naive(a, f));
    return f(args.some((a, i) => a !== e.args[i]) ? rebuild(e, args) : e);
  };
  const rewrites: Array<[string, (e: Expr) => Expr]> = [
    ["identity", (e) => e],
    ["B becomes C", (e) => (e === B ? C : e)],
    ["inverses become transposes", (e) => (e.kind === "inv" ? transpose(e.args[0]!) : e)],
  ];
  for (const [name, f] of rewrites) {
    it(`for random chains grown one factor at a time (${name}), walked prefix by prefix with one memo`, () => {
      fc.assert(
        fc.property(growthSteps, (steps) => {
          const memo = new Map<Expr, Expr>();
          const unchanged = new Set<Expr>();
          let grown: Expr = num1;
          for (const [i, onLeft] of steps) {
            grown = onLeft ? mul([SQUARE[i]!, grown]) : mul([grown, SQUARE[i]!]);
            expect(mapBottomUp(grown, f, memo, unchanged)).toBe(naive(grown, f));
          }
        }),
        { numRuns: 300, seed: 11 },
      );
    });
  }
});

describe("grown chains list their factors only when asked, and then exactly", () => {
  it("for random chains, with the factor list asked for at random steps", () => {
    fc.assert(
      fc.property(growthSteps, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (steps, askAt) => {
        let grown: Expr = num1;
        const flat: Expr[] = [];
        steps.forEach(([i, onLeft], k) => {
          const f = SQUARE[i]!;
          grown = onLeft ? mul([f, grown]) : mul([grown, f]);
          if (onLeft) flat.unshift(f);
          else flat.push(f);
          if (askAt[k]) void grown.args;
        });
        if (grown.kind !== "mul") return; // cancelled or merged to one factor
        expect(childCount(grown)).toBe(grown.args.length);
        expect(firstFactor(grown)).toBe(grown.args[0]);
        expect(lastFactor(grown)).toBe(grown.args[grown.args.length - 1]);
        expect(grown).toBe(mul(flat.length > 2 ? flat : [num1, ...flat, num1]));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it("the adjoints of a chain of 2,000 definitions stay unlisted through what the gradient does to them", () => {
    // G_{K(i-1)} = G_{Ki}·Aᵢᵀ, as readoff builds it, then factored (gradient.ts) and asked hasDVar
    // names of their own, so no product here was made flat by the tests above
    const q = problem("U : matrix(n,n); V : matrix(n,n); W : matrix(n,n)\ngrad tr(U) wrt U");
    const [U, V, W] = ["U", "V", "W"].map((n) => q.vars.get(n)!.sym) as [Expr, Expr, Expr];
    const factors = [U, V, W, inv(U), transpose(V)];
    const adjoints: Expr[] = [];
    let g: Expr = factorCommon(mul([transpose(U), V])); // made the general way (and walked), then grown
    const flat: Expr[] = [transpose(U), V];
    for (let i = 0; i < 2000; i++) {
      const f = factors[i % factors.length]!;
      g = factorCommon(add([mul([g, f])]));
      flat.push(f);
      expect(hasDVar(g)).toBe(false);
      adjoints.push(g);
    }
    expect(adjoints.map((a, i) => (factorsListed(a) ? i : -1)).filter((i) => i >= 0)).toEqual([]);
    expect(g.args).toEqual(flat);
    // listing the last lists none of the ones before it
    expect(adjoints.slice(0, -1).filter(factorsListed).length).toBe(0);
  });
});

describe("scaling and short products: the fast paths equal the general product", () => {
  const q = problem("A : matrix(n,n); B : matrix(n,n); y : vector(n); s : scalar\ngrad s wrt s");
  const [P, R, y, s] = ["A", "B", "y", "s"].map((n) => q.vars.get(n)!.sym) as [Expr, Expr, Expr, Expr];
  const yy = mul([transpose(y), y]);
  // plain matrix factors, and rows, columns and scalars around them, some of which mul regroups
  // (y'y·(y'y)², a 1×1 chain of a row sum and a column sum) and so must go the general way
  const matrices = [P, R, transpose(P), inv(R), hadamard([P, R]), applyFn("exp", [P]), add([P, R])];
  const rows = [transpose(y), mul([transpose(y), P]), add([transpose(y), scale(Q.rat(2), mul([transpose(y), P]))])];
  const columns = [y, mul([P, y]), add([hadamard([y, y]), scale(Q.rat(-2), hadamard([y, applyFn("cos", [y])]))])];
  // (and scalars that a matrix product keeps as they are, for scale's other fast path: s², 1/tr(A), 1 + s)
  const scalars = [s, applyFn("tr", [P]), yy, pow(yy, num(Q.rat(2))), mul([transpose(y), P, y]), pow(s, num(Q.rat(2))), pow(applyFn("tr", [P]), num(Q.MINUS_ONE)), add([s, num1]), add([num1, yy]), applyFn("exp", [s])];
  const pick = <T>(xs: readonly T[]) => fc.array(fc.constantFrom(...xs), { maxLength: 3 });
  const optional = <T>(xs: readonly T[]) => fc.option(fc.constantFrom(...xs), { nil: undefined });
  const coeff = fc.constantFrom(Q.ONE, Q.MINUS_ONE, Q.rat(1, 2), Q.rat(-3), Q.rat(2), Q.ZERO);
  it("for random products of a coefficient, scalars, a row, matrices and a column, times random numbers", () => {
    fc.assert(
      fc.property(coeff, pick(scalars), optional(rows), pick(matrices), optional(columns), coeff, (c0, ss, row, ms, column, c) => {
        const factors = [num(c0), ...ss, ...(row ? [row] : []), ...ms, ...(column ? [column] : [])];
        const e = mul(factors);
        expect(scale(c, e)).toBe(generalProduct([num(c), e]));
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it("a product of one factor, or of a number and one factor, is generalProduct's node (mul's fast paths)", () => {
    const kinds = new Set<string>();
    const one = [...scalars, ...rows, ...matrices, ...columns, eye("n"), ones(["n", "n"]), pow(P, num(Q.rat(3))), inv(mul([P, R])), mul([P, R])];
    fc.assert(
      fc.property(fc.constantFrom(...one), coeff, fc.boolean(), (e, c, alone) => {
        const factors = alone ? [e] : [num(c), e];
        kinds.add(e.kind);
        expect(mul(factors)).toBe(generalProduct(factors));
      }),
      { numRuns: 1000, seed: 19 },
    );
    // the fast paths were met by every kind they take
    for (const k of ["sym", "transpose", "inv", "hadamard", "apply", "ones", "eye", "pow", "mul", "add"]) expect(kinds.has(k)).toBe(true);
  });

  it("a product of two factors is generalProduct's node, whether their junction merges, cancels or stays (mul's chain fast path, on two factors)", () => {
    const diag = applyFn("diagm", [y]);
    // pairs that merge (A·A = A², A³·A, A·A⁻¹, diag·diag, ones·ones) beside pairs that stay
    const pool = [P, R, transpose(P), inv(P), inv(R), pow(P, num(Q.rat(3))), transpose(inv(P)), hadamard([P, R]), applyFn("exp", [P]), diag, ones(["n", "n"]), eye("n"), y, transpose(y), add([P, R]), mul([P, R])];
    let stayed = 0;
    let merged = 0;
    for (const a of pool) {
      for (const b of pool) {
        if (a.shape[1] !== b.shape[0]) continue;
        const got = mul([a, b]);
        expect(got).toBe(generalProduct([a, b]));
        if (got.kind === "mul" && got.args.length === 2 && got.args[0] === a && got.args[1] === b) stayed++;
        else merged++;
      }
    }
    // both outcomes were met, many times
    expect(stayed).toBeGreaterThan(50);
    expect(merged).toBeGreaterThan(10);
  });

  it("a chain of plain factors is generalProduct's node, wherever a junction merges, cancels or stays (mul's chain fast path)", () => {
    // square factors only (every junction is defined), among them pairs that merge or cancel
    const pool = [P, R, transpose(P), inv(P), inv(R), pow(P, num(Q.rat(3))), transpose(inv(P)), hadamard([P, R]), applyFn("exp", [P]), applyFn("diagm", [y]), ones(["n", "n"])];
    let stayed = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { minLength: 3, maxLength: 9 }), fc.boolean(), (fs, column) => {
        const factors = column ? [...fs, y] : fs;
        const got = mul(factors);
        expect(got).toBe(generalProduct(factors));
        if (got.kind === "mul" && got.args.length === factors.length) stayed++;
      }),
      { numRuns: 2000, seed: 23 },
    );
    // the fast path's case was met too
    expect(stayed).toBeGreaterThan(200);
  });
});

describe("sums: the one-term fast path equals the general sum", () => {
  const q = problem("A : matrix(n,n); B : matrix(n,n); y : vector(n); s : scalar\ngrad s wrt s");
  const [P, R, y, s] = ["A", "B", "y", "s"].map((n) => q.vars.get(n)!.sym) as [Expr, Expr, Expr, Expr];
  // terms with and without coefficients, numbers, zeros, and the kinds a sum merges (kron, vec, diag)
  const terms = [P, scale(Q.rat(-2), P), mul([P, R]), scale(Q.rat(1, 2), mul([transpose(y), P, y])), s, num(Q.rat(3)), num(Q.ZERO), zeros(["n", "n"]),
    kron(P, R), scale(Q.rat(3), kron(P, R)), applyFn("vec", [P]), applyFn("diagm", [y]), scale(Q.MINUS_ONE, applyFn("diagm", [y])), hadamard([P, R]), inv(P), pow(s, num(Q.rat(2)))];

  it("a sum of one term is the node the general path makes of it (the term beside a zero)", () => {
    for (const t of terms) {
      // a zero term is dropped by the general path, which a second term sends that way
      expect(add([t])).toBe(add([t, zeros(t.shape)]));
    }
    // and, for these canonical terms, the term itself
    expect(terms.filter((t) => add([t]) !== t && t.kind !== "num")).toEqual([]);
  });
});

describe("a junction that gives a product", () => {
  // vec(Y)ᵀ(B ⊗ A) = vec(AᵀYB)ᵀ gives, for a column B = x and A = I, the product xᵀK⁻¹ (K
  // symmetric): its factors join the chain, so the product is the node mul gives for the same
  // value written flat (a Hessian through logdet met vec(K⁻¹)ᵀ(x ⊗ I) inside a longer product)
  const q = problem("x : vector(n); S : spd(n); s : scalar\ngrad s wrt s");
  const [x, S, s] = ["x", "S", "s"].map((n) => q.vars.get(n)!.sym) as [Expr, Expr, Expr];
  const vecInvT = transpose(applyFn("vec", [inv(S)]));
  const xI = kron(x, eye("n"));

  it("leaves no product among the factors, alone or beside scalars and other factors", () => {
    const flat = mul([transpose(x), inv(S)]);
    expect(mul([vecInvT, xI])).toBe(flat);
    const longer = mul([num(Q.rat(-4)), applyFn("exp", [s]), inv(S), x, vecInvT, xI]);
    expect(longer.args.filter((f) => f.kind === "mul")).toEqual([]);
    expect(longer).toBe(mul([num(Q.rat(-4)), applyFn("exp", [s]), inv(S), x, flat]));
    expect(scale(Q.rat(3), longer)).toBe(generalProduct([num(Q.rat(3)), longer]));
  });
});
