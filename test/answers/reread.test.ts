// The round-trip guard itself: a node whose text reads back as another node is never printed as
// is; reread() refuses it (an internal error), settle() gives the node its text denotes.
import { describe, expect, it } from "vitest";
import { Rereader } from "../../src/answer/reread.js";
import { InternalError } from "../../src/expr/build.js";
import { node, num } from "../../src/expr/expr.js";
import * as Q from "../../src/expr/rational.js";
import { printExpr } from "../../src/print/index.js";
import { answers, problem } from "../helpers.js";

describe("Rereader", () => {
  const p = problem("x : vector(n); s : scalar\ngrad s*x'*x wrt x");
  const x = p.vars.get("x")!.sym;
  // a product with two numeric coefficients: the defect that lost a factor ½ on screen
  const twoCoefficients = node("mul", x.shape, [num(Q.rat(1, 2)), num(Q.rat(-1)), x]);

  it("refuses a node whose printed text denotes another", () => {
    const reader = new Rereader(p, [], [twoCoefficients]);
    expect(() => reader.reread(twoCoefficients)).toThrow(InternalError);
  });

  it("settles it into the node its text denotes, which reads back as itself", () => {
    const reader = new Rereader(p, [], [twoCoefficients]);
    const settled = reader.settle(twoCoefficients);
    expect(settled).not.toBe(twoCoefficients);
    expect(reader.reread(settled)).toBe(settled);
    expect(printExpr(settled, "plain")).toBe(printExpr(twoCoefficients, "plain"));
  });

  it("reads differentials and components back: d(X), d(theta, k)", () => {
    for (const text of ["X : matrix(n,n)\ndifferential inv(X) wrt X", "theta : vector(p); Sigma(theta) : spd(N)\ndifferential logdet(Sigma) wrt theta"]) {
      const q = problem(text);
      const [a] = answers(text);
      const value = a!.results[0]!.value;
      expect(printExpr(value, "plain")).toMatch(/d\((X|theta, k)\)/);
      expect(new Rereader(q, a!.definitions, [value]).reread(value)).toBe(value);
    }
  });
});
