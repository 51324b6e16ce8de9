// Generated code on random well-typed problems (the property generator of the answers suites:
// numeric factors in Hadamard products and functions, ones products, 1×1 products used as
// scalars, cancelling terms, variables of every shape, spd and symmetric ones among them). Each
// problem the engine answers is generated in NumPy, run, and compared with the engine and with
// finite differences, as for the corpus; Hessians wrt scalars and vectors too.
import { describe, expect, it } from "vitest";
import { problemFromText } from "../../src/engine.js";
import { Random } from "../../src/evaluate/random.js";
import { DECLS, ExprGenerator, SHAPES, usedVariables } from "../robustness/generator.js";
import { LANGS, type Lang } from "../../src/codegen/index.js";
import { runCases, runtime, RUNTIMES_REQUIRED, type CodeCase } from "./harness.js";

function randomCases(count: number, hessian: boolean, seed0: number): CodeCase[] {
  const out: CodeCase[] = [];
  for (let seed = seed0; out.length < count && seed < seed0 + count * 4; seed++) {
    const gen = new ExprGenerator(new Random(seed));
    const g = gen.problem();
    if (!g) continue;
    let wrt = g.wrt;
    if (hessian) {
      const candidates = usedVariables(g.terms.join(" + ")).filter((v) => SHAPES[v]![1] === "1");
      wrt = candidates[seed % Math.max(1, candidates.length)]!;
      if (!wrt) continue;
    }
    const p = problemFromText(`${DECLS}\ngrad ${g.terms.join(" + ")} wrt ${wrt}`, "property");
    if (!p.ok) throw new Error(p.error.message);
    out.push({ id: `seed ${seed}: ${g.terms.join(" + ")} wrt ${wrt}`, problem: p.value, query: p.value.queries[0]!, hessian });
  }
  return out;
}

const PLAN: Record<Lang, { gradients: number; hessians: number }> = {
  numpy: { gradients: 1000, hessians: 200 },
  torch: { gradients: 200, hessians: 50 },
  jax: { gradients: 200, hessians: 50 },
  octave: { gradients: 200, hessians: 50 },
  ts: { gradients: 200, hessians: 50 },
};

describe.each(LANGS)("generated %s code on random problems", (lang) => {
  const rt = runtime(lang);
  if (rt.missing) {
    console.warn(`\n!!! generated ${lang} code on random problems: NOT RUN, ${rt.missing} is missing\n`);
    it(`${lang} runtime is present where it is required`, () => expect(RUNTIMES_REQUIRED).toBe(false));
    return;
  }
  const plan = PLAN[lang];
  for (const [what, count, hessian, seed] of [["gradients", plan.gradients, false, 1], ["Hessians (scalar and vector variables)", plan.hessians, true, 5001]] as const) {
    it(`${count} ${what}: every generated function runs and is right, or the problem is declined`, () => {
      const cases = randomCases(count, hessian, seed);
      expect(cases.length).toBe(count);
      const outcomes = runCases(cases, lang, rt, { checkVectorShapes: lang === "numpy" || lang === "torch" || lang === "jax" });
      const failed = outcomes.filter((o) => o.status === "failed").map((o) => `${o.id}\n  ${o.detail}\n${o.code ?? ""}`);
      expect(failed.join("\n\n")).toBe("");
      const tally = (s: string) => outcomes.filter((o) => o.status === s).length;
      console.log(`${lang} ${what}: ok ${tally("ok")}, declined ${tally("declined")}, no point in the domain ${tally("no-point")}`);
      expect(tally("ok")).toBeGreaterThanOrEqual(count * 0.8);
    }, 300_000);
  }
});
