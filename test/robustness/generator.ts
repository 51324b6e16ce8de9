// A shape-directed generator of random well-typed expressions in the matdiff language, for
// property tests. Inverses and log-determinants are only of well-conditioned spd forms
// (S + MMᵀ); denominators are kept away from zero.

import { Random } from "../../src/evaluate/random.js";

export const DECLS =
  "x : vector(n); y : vector(m); X : matrix(n, m); A : matrix(n, n); B : matrix(m, m); S : spd(n); W : symmetric(n); s : scalar; t : scalar\nK = S + X*X'";
export const VARIABLES = ["x", "y", "X", "A", "B", "S", "W", "s", "t"];

type D = "n" | "m" | "1";

const LEAVES: Record<string, string[]> = {
  "1,1": ["s", "t", "2", "0.5"],
  "n,1": ["x"],
  "m,1": ["y"],
  "1,n": ["x'"],
  "1,m": ["y'"],
  "n,m": ["X"],
  "m,n": ["X'"],
  "n,n": ["A", "S", "W", "K", "A'"],
  "m,m": ["B", "B'"],
};

export class ExprGenerator {
  constructor(private readonly rng: Random) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(0, xs.length - 1)]!;
  }

  private dim(): D {
    return this.pick(["n", "m", "1"] as const);
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
    ];
    if (r === c && r !== "1") {
      const M = () => g(r, this.pick(["n", "m"] as const));
      options.push(() => {
        const m = M();
        return `inv(${r === "n" ? "S" : "(B*B' + eye(m))"} + ${m}*(${m})')`;
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
    }
    // every composite is parenthesised so that splicing it anywhere keeps its meaning
    return `(${this.pick(options)()})`;
  }

  /** A scalar function as a sum of 2–4 terms, and a declared variable it mentions. */
  problem(): { terms: string[]; wrt: string } | undefined {
    const terms = Array.from({ length: this.rng.int(2, 4) }, () => this.gen("1", "1", 3));
    const text = terms.join(" + ");
    const used = VARIABLES.filter((v) => new RegExp(`(?<![A-Za-z0-9_])${v}(?![A-Za-z0-9_])`).test(text) || (v !== "K" && /\bK\b/.test(text) && (v === "S" || v === "X")));
    if (used.length === 0) return undefined;
    return { terms, wrt: this.pick(used) };
  }
}
