// Engine definitions ("where M = …"): every body is read back before the names it uses are needed,
// no body is its own name, and the answer with the bodies substituted back is the gradient.
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/expr/expr.js";
import { printExpr } from "../../src/print/index.js";
import { expectNumericallyRight } from "../helpers.js";

function mentions(e: Expr, name: string): boolean {
  return e.kind === "sym" ? e.name === name : e.args.some((a) => mentions(a, name));
}

// Found by a random-expression run: naming sin(A3) ⊙ (A1 x u2ᵀ) inside u4ᵀ(…)ᵀ(…)u4 let the
// product re-spell its first factor as the transpose of that body, so the body came back and was
// named a second time, its own definition included: "M = M", and an internal error on read-back.
const RESPELLED = `
x : vector(n)
A1 : matrix(m,n)
u2 : vector(m)
A3 : matrix(m,m)
u4 : vector(m)
A5 : matrix(n,m)
u6 : vector(m)
u7 : vector(m)
grad log(1 + sum(((((A1*x)*u2') .* sin(A3))*(((u4*x')*A5)*(u6*x' - (u7*x')))) .* ((((A1*x)*u2') .* sin(A3))*(((u4*x')*A5)*(u6*x' - (u7*x')))))) wrt x
`;

describe("engine definitions", () => {
  it("a body that a later rewrite re-forms keeps its definition (no M = M), in dependency order", () => {
    const [a] = expectNumericallyRight(RESPELLED, 4, 11);
    const defs = a!.definitions;
    expect(defs.length).toBeGreaterThan(1);
    const names = defs.map(([n]) => n);
    expect(new Set(names).size, names.join(", ")).toBe(names.length);
    defs.forEach(([name, body], i) => {
      expect(body.kind === "sym" && body.name === name, `${name} = ${printExpr(body, "plain")}`).toBe(false);
      // a body uses only names defined before it
      for (const later of names.slice(i)) expect(mentions(body, later), `${name} = ${printExpr(body, "plain")}`).toBe(false);
    });
    // the re-formed body is named where it came back: the answer uses M and Mᵀ through c = u4ᵀMᵀM u4
    expect(defs.some(([, body]) => /M'\*M/.test(printExpr(body, "plain")))).toBe(true);
  });
});
