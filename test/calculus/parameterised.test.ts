// Unknown parameterised matrices: Sigma(theta) : spd(N). Derivatives flow through them and the
// answer is written with partial(Sigma, theta); the numeric check instantiates Sigma with a smooth
// random spd function of theta.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printExpr } from "../../src/print/index.js";
import { diagnosticOf, expectNumericallyRight, plainGradients, problem, unicodeGradients } from "../helpers.js";

const example = fileURLToPath(new URL("../../examples/gaussian-theta.matdiff", import.meta.url));

describe("parameterised matrices", () => {
  it("Gaussian NLL wrt theta through Sigma(theta) and mu(theta)", () => {
    const [a] = expectNumericallyRight(readFileSync(example, "utf8"));
    expect(plainGradients(a!)).toEqual([
      "1/2*(tr(inv(Sigma)*partial(Sigma, theta)) - (y - mu)'*inv(Sigma)*(2*partial(mu, theta) + partial(Sigma, theta)*inv(Sigma)*(y - mu)))",
    ]);
  });

  it("GP log marginal likelihood wrt theta through K(theta) (GPML eq. 5.9)", () => {
    const [a] = expectNumericallyRight("theta : scalar; K(theta) : spd(N); y : vector(N)\ngrad -1/2*y'*inv(K)*y - 1/2*logdet(K) wrt theta");
    expect(unicodeGradients(a!)).toEqual(["½(yᵀK⁻¹(∂K/∂theta)K⁻¹y − tr(K⁻¹(∂K/∂theta)))"]);
  });

  it("reads Greek names as papers do", () => {
    const [a] = expectNumericallyRight("θ : scalar; Σ(θ) : spd(N)\ngrad logdet(Σ) wrt θ");
    expect(unicodeGradients(a!)).toEqual(["tr(Σ⁻¹(∂Σ/∂θ))"]);
  });

  it("treats Sigma(theta) as a constant for other variables", () => {
    const [a] = expectNumericallyRight("theta : scalar; Sigma(theta) : spd(N); y : vector(N)\ngrad y'*inv(Sigma)*y wrt y");
    expect(plainGradients(a!)).toEqual(["2*inv(Sigma)*y"]);
  });

  it("partial(Sigma, theta) in an answer parses back to the same node", () => {
    const text = "theta : scalar; Sigma(theta) : spd(N)\ngrad logdet(Sigma) wrt theta";
    const [a] = expectNumericallyRight(text);
    const G = a!.results[0]!.value;
    const back = problem(`theta : scalar; Sigma(theta) : spd(N)\nr = ${printExpr(G, "plain")}`).defsByName.get("r")!.body;
    expect(back).toBe(G);
  });

  it("a vector theta gives the component ∂f/∂θ_k, checked for every k", () => {
    const text = readFileSync(example, "utf8").replace("theta : scalar", "theta : vector(p)");
    const [a] = expectNumericallyRight(text);
    expect(a!.results[0]!.component).toBe("k");
    expect(plainGradients(a!)).toEqual([
      "1/2*(tr(inv(Sigma)*partial(Sigma, theta, k)) - (y - mu)'*inv(Sigma)*(2*partial(mu, theta, k) + partial(Sigma, theta, k)*inv(Sigma)*(y - mu)))",
    ]);
    // and it parses back
    const back = problem(`${text.split("\n").filter((l) => !l.startsWith("grad")).join("\n")}\nr = ${plainGradients(a!)[0]}`);
    expect(back.defsByName.get("r")!.body).toBe(a!.results[0]!.value);
  });

  it("declines what it cannot know: second derivatives through Sigma(theta), theta used directly and through Sigma", () => {
    expect(diagnosticOf("theta : scalar; Sigma(theta) : spd(N)\nhessian logdet(Sigma) wrt theta").kind).toBe("unsupported");
    expect(diagnosticOf("theta : vector(p); Sigma(theta) : spd(N)\ngrad logdet(Sigma) + theta'*theta wrt theta").kind).toBe("unsupported");
    expect(diagnosticOf("theta : scalar; Sigma(theta) : spd(N); b : scalar\ngrad logdet(partial(Sigma, b)) wrt theta").kind).toBe("unknown-name");
  });
});
