// Limits: pathological input answers or returns a `limit` error; it never overflows the stack,
// hangs, or returns a silently wrong number.
import { describe, expect, it } from "vitest";
import { answerAll, problemFromText } from "../../src/engine.js";
import { printExpr } from "../../src/print/index.js";
import { withTimeBudget } from "../../src/budget.js";

function outcome(text: string): { kind: string; message: string; plain?: string } {
  const p = problemFromText(text);
  if (!p.ok) return { kind: p.error.kind, message: p.error.message };
  const a = answerAll(p.value)[0]!;
  if (!a.ok) return { kind: a.error.kind, message: a.error.message };
  return { kind: "ok", message: "", plain: printExpr(a.value.results[0]!.value, "plain") };
}

const terms = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(" + ");

describe("limits", () => {
  it("10,000 nested parentheses: a limit error at the place it starts", () => {
    const o = outcome(`x : scalar\ngrad ${"(".repeat(10_000)}x${")".repeat(10_000)} wrt x`);
    expect(o.kind).toBe("limit");
  });

  it("10,000 unary minuses: a limit error", () => {
    expect(outcome(`x : scalar\ngrad ${"-".repeat(10_000)}x wrt x`).kind).toBe("limit");
  });

  it("a sum of 3,000 terms answers (and collects them)", () => {
    expect(outcome(`x : vector(n)\ngrad ${terms(3000, () => "x'*x")} wrt x`)).toMatchObject({ kind: "ok", plain: "6000*x" });
  });

  it("a product of 3,000 factors answers", () => {
    expect(outcome(`x : scalar\ngrad ${Array(3000).fill("x").join("*")} wrt x`)).toMatchObject({ kind: "ok", plain: "3000*x^2999" });
  });

  it("X^1000000 is refused quickly with a limit error; a scalar power answers", () => {
    expect(outcome("X : matrix(n, n)\ngrad tr(X^1000000) wrt X").kind).toBe("limit");
    expect(outcome("x : scalar\ngrad x^1000000 wrt x")).toMatchObject({ kind: "ok", plain: "1000000*x^999999" });
  });

  it("det nested 30 deep answers without blowing up", () => {
    const o = outcome(`X : matrix(n, n); A : matrix(n, n)\ngrad ${"det(A*".repeat(30)}X${")".repeat(30)} wrt X`);
    expect(o.kind).toBe("ok");
    expect(o.plain!.length).toBeLessThan(100_000);
  });

  it("numbers beyond double range are refused, not rounded to Infinity or 0", () => {
    expect(outcome("x : scalar\ngrad 1e400*x wrt x")).toMatchObject({ kind: "limit", message: "the number 1e400 is too large" });
    expect(outcome("x : scalar\ngrad 1e-400*x wrt x").kind).toBe("limit");
    expect(outcome("x : scalar\ngrad 123456789012345678901234567890*x wrt x").kind).toBe("ok");
  });

  it("dimension literals of 0 or less are refused", () => {
    expect(outcome("x : vector(0)\ngrad x'*x wrt x").message).toMatch(/positive integer/);
    expect(outcome("x : vector(-3)\ngrad x'*x wrt x").kind).toBe("syntax");
  });

  it("a chain of 2,000 definitions answers", () => {
    const defs = Array.from({ length: 2000 }, (_, i) => `d${i + 1} = d${i}*x + 1`).join("\n");
    expect(outcome(`x : scalar\nd0 = x\n${defs}\ngrad d2000 wrt x`).kind).toBe("ok");
  });

  it("input beyond the size limit is refused", () => {
    expect(outcome(`x : scalar\ngrad ${"x+".repeat(150_000)}x wrt x`).kind).toBe("limit");
  });
});

describe("growth", () => {
  it("3,000 chained matrix definitions answer (no stack overflow in the dependency walk)", () => {
    const decls = ["X : matrix(n,n)", ...Array.from({ length: 3000 }, (_, i) => `A${i + 1} : matrix(n,n)`)];
    const defs = ["K1 = A1*X", ...Array.from({ length: 2999 }, (_, i) => `K${i + 2} = K${i + 1}*A${i + 2}`)];
    const o = outcome(`${decls.join("\n")}\n${defs.join("\n")}\ngrad tr(K3000) wrt X`);
    expect(o.kind).toBe("ok");
    expect(o.plain!.startsWith("A1'*A3000'*A2999'*")).toBe(true);
  }, 60_000);

  it("a chain of scalar definitions k_i = k_{i-1}² + sin(k_{i-1}) gives an answer linear in its depth", () => {
    const sizes = [10, 20].map((levels) => {
      const defs = ["k0 = x'*x", ...Array.from({ length: levels }, (_, i) => `k${i + 1} = k${i}*k${i} + sin(k${i})`)];
      const o = withTimeBudget(20_000, () => outcome(`x : vector(n)\n${defs.join("\n")}\ngrad k${levels} wrt x`));
      expect(o.kind, o.message).toBe("ok");
      return o.plain!.length;
    });
    // one factor (2k_i + cos(k_i)) per level: twice the levels, about twice the text
    expect(sizes[1]! / sizes[0]!).toBeLessThan(2.5);
  }, 60_000);
});

describe("size budgets", () => {
  it("an answer that would grow quadratically past the budget is a limit error that says how large", () => {
    const k = 1500;
    const decls = ["X : matrix(n,n)", ...Array.from({ length: k }, (_, i) => `A${i + 1} : matrix(n,n)`)];
    const product = Array.from({ length: k }, (_, i) => `A${i + 1}*X`).join("*");
    const o = withTimeBudget(30_000, () => outcome(`${decls.join("\n")}\ngrad tr(${product}) wrt X`));
    expect(o.kind).toBe("limit");
    expect(o.message).toMatch(/grew past 1,000,000 nodes|would have [\d,]+ nodes/);
  }, 60_000);

  it("a moderate one still answers", () => {
    const k = 20;
    const decls = ["X : matrix(n,n)", ...Array.from({ length: k }, (_, i) => `A${i + 1} : matrix(n,n)`)];
    const product = Array.from({ length: k }, (_, i) => `A${i + 1}*X`).join("*");
    expect(outcome(`${decls.join("\n")}\ngrad tr(${product}) wrt X`).kind).toBe("ok");
  });
});

describe("bars", () => {
  it("a sum of 1,000 |x_i| parses in time linear in its length (bar calls only after function names)", () => {
    const text = (k: number) => {
      const names = Array.from({ length: k }, (_, i) => `x${i + 1}`);
      return `${names.map((n) => `${n} : scalar`).join("; ")}\ngrad ${names.map((n) => `|${n}|`).join(" + ")} wrt x1`;
    };
    // 1,000 terms used to take over a second and 4,000 exhausted the heap; a budget makes that a failure here
    const o = withTimeBudget(5_000, () => outcome(text(4000)));
    expect(o.kind, o.message).toBe("ok");
    expect(o.plain).toBe("x1/abs(x1)");
    expect(outcome("K : spd(n)\ngrad log|K| + ln|K| wrt K").kind).toBe("ok");
  }, 60_000);
});
