// The problems matdiff exists for (../shared/seeds): textbook forms, numerically checked.
import { describe, expect, it } from "vitest";
import { expectNumericallyRight, unicodeGradients, plainGradients } from "../helpers.js";

const GPLVM = `
Y : matrix(N, D)
Z : matrix(N, Q)
beta : scalar
K = Z*Z' + 1/beta*I
grad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z
`;

const GAUSSIAN_NLL = `
y : vector(n); m : vector(n); S : spd(n)
grad 1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m) wrt m, S
`;

describe("seed 002: GPLVM gradient wrt Z (Murphy MLaPP 15.5, Lawrence 2005)", () => {
  it("is (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z, written with K, and agrees with finite differences", () => {
    const [a] = expectNumericallyRight(GPLVM);
    expect(unicodeGradients(a!)).toEqual(["(K⁻¹YYᵀK⁻¹ − D K⁻¹)Z"]);
    expect(plainGradients(a!)).toEqual(["(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z"]);
  });

  it("does not depend on the order the terms were written in", () => {
    const swapped = GPLVM.replace("-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')", "-1/2*tr(inv(K)*Y*Y') - D/2*logdet(K)").replace(
      "Z*Z' + 1/beta*I",
      "I/beta + Z*Z'",
    );
    const [a] = expectNumericallyRight(swapped);
    expect(unicodeGradients(a!)).toEqual(["(K⁻¹YYᵀK⁻¹ − D K⁻¹)Z"]);
  });
});

describe("seed 001: Gaussian negative log-likelihood wrt m and S", () => {
  it("gives −S⁻¹(y − m) and the symmetric ½(S⁻¹ − S⁻¹(y − m)(y − m)ᵀS⁻¹)", () => {
    const [a] = expectNumericallyRight(GAUSSIAN_NLL);
    expect(unicodeGradients(a!)).toEqual(["−S⁻¹(y − m)", "½(S⁻¹ − S⁻¹(y − m)(y − m)ᵀS⁻¹)"]);
  });

  it("reads the same with |S| and ln, as papers write it", () => {
    const [a] = expectNumericallyRight(GAUSSIAN_NLL.replace("1/2*logdet(S)", "ln|S|/2"));
    expect(unicodeGradients(a!)).toEqual(["−S⁻¹(y − m)", "½(S⁻¹ − S⁻¹(y − m)(y − m)ᵀS⁻¹)"]);
  });
});
