// Row and column broadcasting in + − .* ./ .^ (NumPy's rule for a 1×m row or n×1 column against an
// n×m array): the answers are checked numerically and write the broadcast out (𝟏μᵀ), so they parse
// back; elementwise operations on a broadcast act on the vector it repeats.
import { describe, expect, it } from "vitest";
import { printExpr } from "../../src/print/index.js";
import { diagnosticOf, expectNumericallyRight, plainGradients, unicodeGradients } from "../helpers.js";

const DATA = "X : matrix(n, d); mu : vector(d); s : vector(d); w : vector(n)";

describe("row and column broadcasting", () => {
  it("X − μᵀ: a d-vector subtracted from every row", () => {
    const [a] = expectNumericallyRight(`${DATA}\ngrad norm2(X - mu')^2 wrt mu`);
    expect(unicodeGradients(a!)).toEqual(["2(n mu − Xᵀ𝟏)"]);
    expect(plainGradients(a!)).toEqual(["2*(n*mu - X'*ones(n))"]);
  });

  it("standardising columns: ((X − 𝟏μᵀ) ⊘ 𝟏sᵀ).^2, with respect to μ and s", () => {
    const [a] = expectNumericallyRight(`${DATA}\ngrad sum(((X - mu') ./ s').^2) wrt mu, s`);
    // the elementwise quotient by a broadcast row is by s, not by n copies of it
    for (const g of unicodeGradients(a!)) expect(g).not.toMatch(/s𝟏ᵀ|𝟏sᵀ/);
  });

  it("a column against the rows: X .* w, X ./ w, w + X", () => {
    expectNumericallyRight(`${DATA}\ngrad sum(X .* w) + sum(X ./ exp(w)) + sum(log(exp(w) + X.^2)) wrt w`);
    const [a] = expectNumericallyRight(`${DATA}\ngrad sum(X .* w) wrt w`);
    expect(unicodeGradients(a!)).toEqual(["X𝟏"]);
  });

  it("broadcasts are written out in the answer and read back", () => {
    const [a] = expectNumericallyRight(`${DATA}\ngrad sum(exp(X - mu')) wrt X`);
    expect(printExpr(a!.results[0]!.value, "plain")).toBe("exp(X - ones(n)*mu')");
  });

  it("anything else is a shape error that names both shapes", () => {
    expect(diagnosticOf("x : vector(n); y : vector(m)\ngrad sum(x - y') wrt x").message).toBe(
      "'-' needs operands of the same shape (or a scalar, or a row or column to broadcast), but x is n×1 and y' is 1×m",
    );
    expect(diagnosticOf(`${DATA}\ngrad sum(X - mu) wrt mu`).kind).toBe("shape");
  });
});
