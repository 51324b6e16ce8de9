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

  it("a GenerationMap holds one value per node across many pages, nodes of earlier generations apart", () => {
    releaseNodes();
    const before = sym("kept", [1, 1], "var", true); // made before the release below: a smaller id
    releaseNodes();
    const m = new GenerationMap<string>();
    const reference = new Map<unknown, string>();
    // thousands of nodes (several pages), written out of order and some twice
    const nodes = Array.from({ length: 5000 }, (_, i) => sym(`x${i}`, [1, 1], "var", false));
    for (let i = nodes.length - 1; i >= 0; i -= 3) {
      m.set(nodes[i]!, `v${i}`);
      reference.set(nodes[i]!, `v${i}`);
    }
    for (let i = 0; i < nodes.length; i += 7) {
      m.set(nodes[i]!, `w${i}`);
      reference.set(nodes[i]!, `w${i}`);
    }
    m.set(before, "old");
    for (const n of nodes) expect(m.get(n)).toBe(reference.get(n));
    expect(m.get(before)).toBe("old");
    // a node of the current generation whose id offset equals nothing written reads as absent
    expect(m.get(sym("fresh", [1, 1], "var", false))).toBeUndefined();
    releaseNodes();
    expect(m.get(before)).toBeUndefined();
    expect(m.get(nodes[0]!)).toBeUndefined();
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
