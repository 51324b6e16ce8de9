// Fuzzing: mutated and random input through the parser and engine, the CLI and batch. Every
// outcome is an answer or a typed error; errors that point into the source carry line and column;
// nothing is `internal`, nothing throws.
import { describe, expect, it } from "vitest";
import { answerAll, problemFromText } from "../../src/engine.js";
import { runBatch } from "../../src/cli/batch.js";
import { runCli } from "../../src/cli/program.js";
import { Random } from "../../src/evaluate/random.js";

const SEEDS = [
  "Y : matrix(N, D); Z : matrix(N, Q); beta : scalar\nK = Z*Z' + 1/beta*I\ngrad -D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y') wrt Z",
  "y : vector(n); m : vector(n); S : spd(n)\ngrad 1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m) wrt m, S",
  "X : matrix(N,d); w : vector(d); y : vector(N)\np = sigmoid(X*w)\ngrad -sum(y.*log(p) + (1-y).*log(1-p)) wrt w",
  "X : matrix(n,n); A : matrix(n,n); a : vector(n)\ngrad a'*X^3*a + det(X)^2 + tr(kron(X,A)) + sum(diag(X).*a) wrt X",
  "x : vector(n); A : symmetric(n)\ngrad x'*A*x/(x'*x) + norm2(x) + logsumexp(x) + sum(softmax(x).*x) wrt x, A",
  "θ : scalar; Σ(θ) : spd(N); μ : vector(N)\ngrad ln|Σ| + μ'*Σ⁻¹*μ wrt μ",
];
const ALPHABET = "()+-*/^'.:;|,=#\n aXxAKIn1230ᵀ⁻¹⊙⊗?\t\u0000\u0007{}[]\"\\";
const KINDS = new Set(["ok", "syntax", "unknown-name", "shape", "unsupported", "limit"]);

function mutate(s: string, rng: Random): string {
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const pos = rng.int(0, s.length);
    const op = rng.next();
    if (op < 0.3) s = s.slice(0, pos) + s.slice(pos + 1);
    else if (op < 0.6) s = s.slice(0, pos) + ALPHABET[rng.int(0, ALPHABET.length - 1)] + s.slice(pos);
    else if (op < 0.9) {
      const q = rng.int(0, s.length - 1);
      const a = [...s];
      [a[pos], a[q]] = [a[q]!, a[pos]!];
      s = a.join("");
    } else s = Array.from({ length: rng.int(0, 30) }, () => ALPHABET[rng.int(0, ALPHABET.length - 1)]).join("");
  }
  return s;
}

function outcomes(text: string): Array<{ kind: string; hasPosition: boolean }> {
  const p = problemFromText(text, "fuzz");
  if (!p.ok) return [{ kind: p.error.kind, hasPosition: p.error.span !== undefined }];
  return answerAll(p.value).map((a) => (a.ok ? { kind: "ok", hasPosition: true } : { kind: a.error.kind, hasPosition: true }));
}

describe("fuzzing", () => {
  it("10,000 mutated problems: only typed outcomes; source errors carry line and column", () => {
    const rng = new Random(2026);
    const tally: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const text = mutate(SEEDS[i % SEEDS.length]!, rng);
      let results: Array<{ kind: string; hasPosition: boolean }>;
      try {
        results = outcomes(text);
      } catch (e) {
        throw new Error(`threw on ${JSON.stringify(text)}: ${String(e)}`);
      }
      for (const r of results) {
        tally[r.kind] = (tally[r.kind] ?? 0) + 1;
        expect(KINDS.has(r.kind), `${r.kind} on ${JSON.stringify(text)}`).toBe(true);
        if (r.kind === "syntax" || r.kind === "unknown-name" || r.kind === "shape") expect(r.hasPosition, JSON.stringify(text)).toBe(true);
      }
    }
    console.log(`fuzz: 10000 problems, outcomes ${JSON.stringify(tally)}`);
    expect(tally["ok"]).toBeGreaterThan(0);
  });

  it("special inputs: empty, control characters, reserved names, unbalanced brackets, operator soup", () => {
    const inputs = ["", "\u0000", "\u0007\u001b[31m", "__proto__ : scalar\ngrad __proto__^2 wrt __proto__", "constructor : vector(n)\ngrad constructor'*constructor wrt constructor",
      "x : scalar\ngrad ((x wrt x", "x : scalar\ngrad x)) wrt x", "x : scalar\ngrad |x wrt x", "+-*/^'.:;|,=", "grad", "wrt", "x : matrix(n)", "x : spd(n, n)", "I : scalar", "x : scalar\ngrad x wrt x, x, y"];
    for (const t of inputs) for (const r of outcomes(t)) expect(KINDS.has(r.kind), JSON.stringify(t)).toBe(true);
  });

  it("batch: 3,000 mixed good and bad lines, every one answered in order, no internal errors", () => {
    const rng = new Random(7);
    const good = { decls: { x: "vector(n)", A: "matrix(n,n)" }, expr: "x'*A*x", wrt: "x" };
    const lines: string[] = [];
    // line i has id i, except where the JSON text itself was mutated (its id may have changed)
    const intactId = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const r = rng.next();
      if (r < 0.6 || r >= 0.7) intactId.add(i);
      if (r < 0.4) lines.push(JSON.stringify({ id: i, ...good }));
      else if (r < 0.6) lines.push(JSON.stringify({ id: i, ...good, expr: mutate(good.expr, rng) }));
      else if (r < 0.7) lines.push(mutate(JSON.stringify({ id: i, ...good }), rng).replace(/[\r\n]/g, " "));
      else if (r < 0.8) lines.push(JSON.stringify({ id: i, decls: 3, wrt: [] }));
      else if (r < 0.9) lines.push(JSON.stringify({ id: i, decls: "x : vector(n)", expr: "x'*x", wrt: "x", query: "hessian" }));
      else lines.push(JSON.stringify([i]));
    }
    const out: Array<Record<string, unknown>> = [];
    runBatch(lines.join("\n"), (l) => out.push(JSON.parse(l)));
    // one answer per non-blank line, in order (a mutation may leave a line blank)
    const answered = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== "");
    expect(answered.length).toBeGreaterThan(2900);
    expect(out).toHaveLength(answered.length);
    out.forEach((o, k) => {
      const i = answered[k]![1];
      if (intactId.has(i) && o["id"] !== null) expect(o["id"]).toBe(i);
      if (!o["ok"]) expect((o["error"] as { kind: string }).kind).not.toBe("internal");
    });
  });

  it("the CLI: mutated expressions and options give exit 0 or 2 and a rendered error, never a throw", async () => {
    const rng = new Random(99);
    for (let i = 0; i < 300; i++) {
      let stderr = "";
      const args = ["grad", mutate("1/2*logdet(S) + (y-m)'*inv(S)*(y-m)", rng), "--wrt", mutate("m", rng), "-d", mutate("y : vector(n); m : vector(n); S : spd(n)", rng)];
      const code = await runCli(args, { stdout: () => {}, stderr: (s) => void (stderr += s), readFile: () => "", readStdin: async () => "" });
      expect([0, 2]).toContain(code);
      if (code === 2) expect(stderr).toMatch(/^error\[(syntax|unknown-name|shape|unsupported|limit)\]|error: /m);
    }
  });
});
