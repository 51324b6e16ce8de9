// No exponential time anywhere: every printer lays out each node once, so deep answers print in
// every form within a budget; and a batch line past its time budget gets a `limit` error while
// the rest of the batch goes on.
import { describe, expect, it } from "vitest";
import { answerQuery, problemFromParts } from "../../src/engine.js";
import { withTimeBudget } from "../../src/budget.js";
import { runBatch } from "../../src/cli/batch.js";
import { printExpr, type FormName } from "../../src/print/index.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { internedCount, type Expr } from "../../src/expr/expr.js";

function gradientOf(expr: string, wrt: string, decls: string, defs: string[] = []): Expr {
  const p = problemFromParts({ decls: [{ text: decls, source: "d" }], defs: defs.map((text) => ({ text, source: "def" })), query: "grad", expr: { text: expr, source: "e" }, wrt: [wrt] });
  if (!p.ok) throw new Error(renderDiagnostic(p.error));
  const a = withTimeBudget(60_000, () => answerQuery(p.value, p.value.queries[0]!));
  if (!a.ok) throw new Error(renderDiagnostic(a.error));
  return a.value.results[0]!.value;
}

const FORMS: FormName[] = ["plain", "unicode", "latex"];

describe("printing is linear in the tree", () => {
  it("a 200-deep tanh chain's gradient prints in every form within 1 s each", () => {
    let e = "x";
    for (let i = 0; i < 200; i++) e = `tanh(${e})`;
    const g = gradientOf(`sum(${e})`, "x", "x : vector(n)");
    for (const form of FORMS) {
      const text = withTimeBudget(1000, () => printExpr(g, form));
      expect(text.length).toBeGreaterThan(1000);
    }
  }, 60_000);

  it("a 30-step RNN's gradient prints in every form within 1 s each", () => {
    const defs = ["h1 = tanh(W*x1 + U*h0)"];
    const decls = ["W : matrix(n,n)", "U : matrix(n,n)", "h0 : vector(n)", "x1 : vector(n)"];
    for (let t = 2; t <= 30; t++) {
      decls.push(`x${t} : vector(n)`);
      defs.push(`h${t} = tanh(W*x${t} + U*h${t - 1})`);
    }
    const g = gradientOf("sum(h30)", "U", decls.join("; "), defs);
    for (const form of FORMS) withTimeBudget(1000, () => printExpr(g, form));
  }, 60_000);
});

describe("time budgets", () => {
  it("a batch line past its budget gets a limit error, and the next line is answered", () => {
    let e = "x";
    for (let i = 0; i < 600; i++) e = `tanh(${e})`;
    const input = [
      JSON.stringify({ id: "slow", decls: "x : vector(n)", expr: `sum(${e})`, wrt: "x" }),
      JSON.stringify({ id: "fast", decls: "x : vector(n)", expr: "x'*x", wrt: "x" }),
    ].join("\n");
    const out: Array<{ id: string; ok: boolean; error?: { kind: string; message: string } }> = [];
    runBatch(input, (line) => out.push(JSON.parse(line)), 0.5);
    expect(out.map((o) => o.id)).toEqual(["slow", "fast"]);
    expect(out[0]!.ok).toBe(false);
    expect(out[0]!.error).toMatchObject({ kind: "limit" });
    expect(out[0]!.error!.message).toMatch(/time budget of 0.5 s/);
    expect(out[1]!.ok).toBe(true);
  }, 60_000);
});

describe("bounded memory", () => {
  it("a batch forgets each line's expressions: the node table does not grow, and answers do not change", () => {
    const lines = [
      { id: "a", decls: "x : vector(n); A : matrix(n,n)", expr: "x'*A*x", wrt: "x" },
      { id: "b", decls: "Y : matrix(N,D); Z : matrix(N,Q); beta : scalar", defs: ["K = Z*Z' + 1/beta*I"], expr: "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')", wrt: "Z" },
      { id: "c", decls: "S : spd(n); y : vector(n)", expr: "logdet(S) + y'*inv(S)*y", wrt: "S", check: true },
    ].map((l) => JSON.stringify(l));
    const answersOf = () => {
      const out: string[] = [];
      runBatch(lines.join("\n"), (l) => out.push(JSON.stringify({ ...JSON.parse(l), ms: 0 })));
      return out;
    };
    const first = answersOf();
    const after = internedCount();
    for (let i = 0; i < 20; i++) expect(answersOf()).toEqual(first);
    expect(internedCount()).toBe(after);
    expect(after).toBeLessThan(10);
  });
});
