// Issue "Code generation", point 7: the code for every problem in examples/ and in the shared
// corpus (its Hessians with --hessian) runs in each target's real runtime and agrees with the
// engine and with finite differences at 1e-6. Where a runtime is missing, this says so loudly;
// CI (MATDIFF_REQUIRE_RUNTIMES=1) fails instead.
import { describe, expect, it } from "vitest";
import { LANGS } from "../../src/codegen/index.js";
import { corpusCases, exampleCases } from "./cases.js";
import { runCases, runtime, RUNTIMES_REQUIRED, type Outcome } from "./harness.js";

/** What the generator declines, on purpose, in these problems: nothing else may be declined. */
const EXPECTED_DECLINES = ["gaussian-theta.matdiff#1"]; // partial(Sigma, theta): an unknown function has no code

const cases = [...exampleCases(), ...corpusCases()];

function summary(outcomes: Outcome[]): string {
  return outcomes
    .filter((o) => o.status !== "ok" && o.status !== "declined")
    .map((o) => `${o.id}: ${o.status}: ${o.detail ?? ""}\n${o.code ?? ""}`)
    .join("\n\n");
}

describe.each(LANGS)("matdiff code --lang %s: generated code runs and is right", (lang) => {
  const rt = runtime(lang);
  if (rt.missing) {
    console.warn(`\n!!! matdiff code --lang ${lang}: NOT RUN here, ${rt.missing} is missing (CI installs it)\n`);
    it(`${lang} runtime is present where it is required`, () => {
      expect(RUNTIMES_REQUIRED, `${rt.missing} is required (MATDIFF_REQUIRE_RUNTIMES=1)`).toBe(false);
    });
    it.skip(`every example and corpus problem (NOT RUN: ${rt.missing} missing)`, () => {});
    return;
  }
  it(`every example and corpus problem${rt.note ? ` (${rt.note})` : ""}`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(90);
    const outcomes = runCases(cases, lang, rt, { checkVectorShapes: lang === "numpy" || lang === "torch" || lang === "jax" });
    expect(summary(outcomes)).toBe("");
    expect(outcomes.filter((o) => o.status === "declined").map((o) => o.id)).toEqual(EXPECTED_DECLINES);
    expect(outcomes.filter((o) => o.status === "ok").length).toBe(cases.length - EXPECTED_DECLINES.length);
  }, 240_000);
});
