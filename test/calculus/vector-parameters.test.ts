// Jacobians and differentials through NAME(θ) of a vector θ: the Jacobian of a scalar is a 1×p
// row and that of an N-vector an N×p matrix, written per column k (∂NAME/∂θ_k); each is checked
// against differences along every e_k with a random smooth instantiation of NAME(θ).
import { describe, expect, it } from "vitest";
import { answerQuery, problemFromParts } from "../../src/engine.js";
import { printExpr } from "../../src/print/index.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import type { QueryKind } from "../../src/parse/surface.js";
import { cli } from "../cli/run-cli.js";

function solve(query: QueryKind, expr: string, decls: string) {
  const p = problemFromParts({ decls: [{ text: decls, source: "d" }], defs: [], query, expr: { text: expr, source: "e" }, wrt: ["theta"] });
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  return answerQuery(p.value, p.value.queries[0]!, { check: { points: 5 } });
}

const CASES: Array<{ query: QueryKind; expr: string; decls: string; plain: string; shape: [unknown, unknown] }> = [
  { query: "jacobian", expr: "g", decls: "theta : vector(p); g(theta) : scalar", plain: "partial(g, theta, k)", shape: [1, 1] },
  { query: "jacobian", expr: "logdet(Sigma)", decls: "theta : vector(p); Sigma(theta) : spd(N)", plain: "tr(inv(Sigma)*partial(Sigma, theta, k))", shape: [1, 1] },
  { query: "jacobian", expr: "mu", decls: "theta : vector(p); mu(theta) : vector(N)", plain: "partial(mu, theta, k)", shape: ["N", 1] },
  { query: "jacobian", expr: "Sigma*y", decls: "theta : vector(p); Sigma(theta) : spd(N); y : vector(N)", plain: "partial(Sigma, theta, k)*y", shape: ["N", 1] },
  { query: "jacobian", expr: "inv(Sigma)*mu", decls: "theta : vector(p); Sigma(theta) : spd(N); mu(theta) : vector(N)", plain: "", shape: ["N", 1] },
  { query: "differential", expr: "logdet(Sigma) + mu'*mu", decls: "theta : vector(p); Sigma(theta) : spd(N); mu(theta) : vector(N)", plain: "", shape: [1, 1] },
];

describe("Jacobians through vector parameters", () => {
  for (const c of CASES) {
    it(`${c.query} ${c.expr} (${c.decls})`, () => {
      const a = solve(c.query, c.expr, c.decls);
      if (!a.ok) throw new Error(renderDiagnostic(a.error));
      const r = a.value.results[0]!;
      expect(r.component).toBe("k");
      // never a p×p identity times a component
      expect(printExpr(r.value, "plain")).not.toMatch(/eye\(p\)/);
      expect(r.value.shape).toEqual(c.shape);
      if (c.plain) expect(printExpr(r.value, "plain")).toBe(c.plain);
      expect(a.value.check!.ok, `relative error ${a.value.check!.maxRelError}`).toBe(true);
      expect(a.value.check!.points).toBe(5);
    });
  }

  it("the label says which column or which term: J_theta[:, k], df = Σ_k", async () => {
    const j = await cli(["jacobian", "mu", "--wrt", "theta", "-d", "theta : vector(p); mu(theta) : vector(N)"]);
    expect(j.stdout.trim()).toBe("J_theta[:, k] = ∂mu/∂theta_k");
    const d = await cli(["differential", "logdet(Sigma)", "--wrt", "theta", "-d", "theta : vector(p); Sigma(theta) : spd(N)"]);
    expect(d.stdout.trim()).toBe("df = Σ_k dtheta_k tr(Sigma⁻¹(∂Sigma/∂theta_k))");
  });

  it("theta used directly and through Sigma(theta) is declined, not guessed", () => {
    const a = solve("jacobian", "logdet(Sigma) + theta'*theta", "theta : vector(p); Sigma(theta) : spd(N)");
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error.kind).toBe("unsupported");
  });
});
