// A shape-directed generator of random well-typed expressions in the matdiff language, for
// property tests. Inverses and log-determinants are only of well-conditioned spd forms
// (S + MMᵀ); denominators are kept away from zero.

import { Random } from "../../src/evaluate/random.js";

export const DECLS =
  "x : vector(n); y : vector(m); X : matrix(n, m); P : matrix(m, n); A : matrix(n, n); B : matrix(m, m); S : spd(n); W : symmetric(n); s : scalar; t : scalar; c : positive\nK = S + X*X'";
export const VARIABLES = ["x", "y", "X", "P", "A", "B", "S", "W", "s", "t", "c"];
/** The shape of each variable, for queries that need one (Hessians wrt scalars and vectors). */
export const SHAPES: Record<string, [string, string]> = {
  x: ["n", "1"], y: ["m", "1"], X: ["n", "m"], P: ["m", "n"], A: ["n", "n"], B: ["m", "m"], S: ["n", "n"], W: ["n", "n"],
  s: ["1", "1"], t: ["1", "1"], c: ["1", "1"],
};

/** Numeric factors as a user types them, inside Hadamard products, functions and transposes. */
const NUMBERS = ["2", "0.5", "3", "(1/3)", "(-2)"];

type D = "n" | "m" | "1";

const LEAVES: Record<string, string[]> = {
  "1,1": ["s", "t", "c", "2", "0.5"],
  "n,1": ["x"],
  "m,1": ["y"],
  "1,n": ["x'"],
  "1,m": ["y'"],
  "n,m": ["X", "P'"],
  "m,n": ["X'", "P"],
  "n,n": ["A", "S", "W", "K", "A'"],
  "m,m": ["B", "B'"],
};

export interface GeneratorOptions {
  /**
   * Also draw one subexpression twice (E ⊙ E, log(1 + sum(E ⊙ E))), so that answers repeat large
   * parts and the engine names them ("where C = …"): how engine definitions were found to re-form
   * a named body (test/answers/named-subexpressions.test.ts).
   */
  repeats?: boolean;
}

export class ExprGenerator {
  constructor(
    private readonly rng: Random,
    private readonly opts: GeneratorOptions = {},
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(0, xs.length - 1)]!;
  }

  private dim(): D {
    return this.pick(["n", "m", "1"] as const);
  }

  private number(): string {
    return this.pick(NUMBERS);
  }

  /** ones(n), ones(m)', or 1 for a 1×1: the all-ones array of the given shape's one side. */
  private onesColumn(d: D): string {
    return d === "1" ? "1" : `ones(${d})`;
  }

  gen(r: D, c: D, depth: number): string {
    const leaves = LEAVES[`${r},${c}`]!;
    if (depth <= 0 || this.rng.next() < 0.25) return this.pick(leaves);
    const g = (rr: D, cc: D) => this.gen(rr, cc, depth - 1);
    const options: Array<() => string> = [
      () => `(${g(r, c)} + ${g(r, c)})`,
      () => `(${g(r, c)} - ${g(r, c)})`,
      () => {
        const k = this.dim();
        return `${g(r, k)}*${g(k, c)}`;
      },
      () => `${g("1", "1")}*${g(r, c)}`,
      () => `(${g(c, r)})'`,
      () => `(${g(r, c)} .* ${g(r, c)})`,
      () => `${this.pick(["tanh", "sin", "cos", "sigmoid"])}(${g(r, c)})`,
      () => `exp(tanh(${g(r, c)}))`,
      () => `${g(r, c)} ./ (2 + sigmoid(${g(r, c)}))`,
      () => `${g(r, c)}/(1 + t^2)`,
      // numeric factors inside Hadamard products, elementwise functions and transposes
      () => `(${this.number()}*${g(r, c)} .* ${g(r, c)})`,
      () => `${this.pick(["tanh", "sin", "cos", "sigmoid"])}(${this.number()}*${g(r, c)})`,
      () => `(${this.number()}*${g(c, r)})'`,
      // ones products: a column times a row
      () => `${this.onesColumn(r)}*${g("1", c)}`,
      () => `${g(r, "1")}*(${this.onesColumn(c)})'`,
      // 1×1 products used as scalars, on either side
      () => {
        const k = this.pick(["n", "m"] as const);
        return `(${g("1", k)}*${g(k, "1")})*${g(r, c)}`;
      },
      () => {
        const k = this.pick(["n", "m"] as const);
        return `${g(r, c)}*(${g("1", k)}*${g(k, "1")})`;
      },
      // cancelling terms, inside whatever operator is around them
      () => {
        const a = g(r, c);
        return `(${a} - ${a})`;
      },
      () => {
        const a = g(r, c);
        return `(${a} + ${g(r, c)} - ${a})`;
      },
      () => {
        const k = this.dim();
        const a = g(r, k);
        const b = g(k, c);
        return `(${a}*${b} - ${a}*${b} + ${g(r, c)})`;
      },
    ];
    if (this.opts.repeats) {
      // (weighted: one option among some thirty would rarely be drawn)
      const twice = () => {
        const a = g(r, c);
        return `(${a} .* ${a})`;
      };
      options.push(twice, twice, twice, twice);
    }
    if (r === c && r !== "1") {
      const M = () => g(r, this.pick(["n", "m"] as const));
      options.push(() => {
        const m = M();
        return `inv(${r === "n" ? "S" : "(B*B' + eye(m))"} + ${m}*(${m})')`;
      });
      options.push(() => {
        const m = M();
        const z = g(r, r);
        return `inv(${r === "n" ? "S" : "(B*B' + eye(m))"} + ${m}*(${m})' + (${z} - ${z}))`;
      });
      options.push(() => `(${g(r, r)})^2`);
      options.push(() => `diag(${g(r, "1")})`);
      if (r === "n") options.push(() => `inv(K)`);
    }
    if (c === "1" && r !== "1") options.push(() => `diag(${g(r, r)})`);
    if (r === "1" && c === "1") {
      const k = () => this.pick(["n", "m"] as const);
      options.push(() => {
        const d = k();
        return `tr(${g(d, d)})`;
      });
      options.push(() => `sum(${g(k(), k())})`);
      options.push(() => `norm2(${g(k(), k())})^2`);
      options.push(() => {
        const d = k();
        return `${g("1", d)}*${g(d, "1")}`;
      });
      options.push(() => `log(1 + ${g("1", "1")}^2)`);
      options.push(() => {
        const m = g("n", k());
        return `logdet(S + ${m}*(${m})')`;
      });
      options.push(() => `logdet(K)`);
      options.push(() => `sqrt(1 + ${g("1", "1")}^2)`);
      if (this.opts.repeats) {
        const logSquares = () => {
          const e = g(k(), k());
          return `log(1 + sum(${e} .* ${e}))`;
        };
        // EᵀE between a row and a column: the form in which a named body came back transposed
        const gram = () => {
          const [a, b] = [k(), k()];
          const e = g(a, b);
          const v = g(b, "1");
          return `(${v})'*(${e})'*(${e})*(${v})`;
        };
        options.push(logSquares, logSquares, logSquares, gram, gram, gram);
      }
    }
    // every composite is parenthesised so that splicing it anywhere keeps its meaning
    return `(${this.pick(options)()})`;
  }

  /** A scalar function as a sum of 2–4 terms, and a declared variable it mentions. */
  problem(): { terms: string[]; wrt: string } | undefined {
    const terms = Array.from({ length: this.rng.int(2, 4) }, () => this.gen("1", "1", 3));
    const used = usedVariables(terms.join(" + "));
    if (used.length === 0) return undefined;
    return { terms, wrt: this.pick(used) };
  }

  /** A function of a random shape (for Jacobians and differentials) as a sum of 1–3 terms. */
  arrayProblem(): { terms: string[]; wrt: string } | undefined {
    const r = this.dim();
    const c = this.pick(["1", "1", this.dim()] as const);
    const terms = Array.from({ length: this.rng.int(1, 3) }, () => this.gen(r, c, 2));
    const used = usedVariables(terms.join(" + "));
    if (used.length === 0) return undefined;
    return { terms, wrt: this.pick(used) };
  }
}

/** The declared variables a text mentions (K stands for S and X). */
export function usedVariables(text: string): string[] {
  return VARIABLES.filter((v) => new RegExp(`(?<![A-Za-z0-9_])${v}(?![A-Za-z0-9_])`).test(text) || (/\bK\b/.test(text) && (v === "S" || v === "X")));
}
