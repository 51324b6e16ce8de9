// Memos keyed by node (GenerationMap, GenerationSet) last one node generation: releaseNodes()
// forgets them with the nodes, and what is computed again afterwards is the same.
import { describe, expect, it } from "vitest";
import { GenerationMap, GenerationSet, releaseNodes, sym } from "../../src/expr/expr.js";
import { answerAll, problemFromText } from "../../src/engine.js";
import { printExpr } from "../../src/print/index.js";

describe("memos keyed by node last one generation", () => {
  it("a GenerationMap and a GenerationSet keep their entries until releaseNodes(), then start empty", () => {
    const m = new GenerationMap<number>();
    const s = new GenerationSet();
    const a = sym("a", [1, 1], "var", true);
    m.set(a, 1);
    s.add(a);
    expect(m.get(a)).toBe(1);
    expect(s.has(a)).toBe(true);
    releaseNodes();
    expect(m.get(a)).toBeUndefined();
    expect(s.has(a)).toBe(false);
  });

  it("answers printed again after releaseNodes() are the same text (memos refilled, not stale)", () => {
    const text = "K = Z*Z' + eye(N)\nZ : matrix(N, Q)\nY : matrix(N, D)\ngrad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z";
    const once = () => {
      const p = problemFromText(text);
      if (!p.ok) throw new Error(p.error.message);
      return answerAll(p.value, {})
        .map((a) => {
          if (!a.ok) throw new Error(a.error.message);
          return a.value.results.map((r) => printExpr(r.value, "unicode")).join("; ");
        })
        .join("\n");
    };
    const first = once();
    releaseNodes();
    expect(once()).toBe(first);
    expect(first).toMatch(/K⁻¹/);
  });
});
