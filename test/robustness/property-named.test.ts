// Random gradients that repeat subexpressions (E ⊙ E, log(1 + sum(E ⊙ E))), so that most answers
// come with engine definitions: right or declined, never internal, never wrong, and every
// definition uses only names defined before it. See answers-property.ts.
import { describe, expect, it } from "vitest";
import { newTally, report, runCase } from "./answers-property.js";

const PROBLEMS = 1200;

describe("random gradients with repeated parts, named in the answer", () => {
  it(`${PROBLEMS} problems`, () => {
    const tally = newTally();
    for (let i = 0; i < PROBLEMS; i++) runCase("grad", 7_000_001 + i * 104_729, tally, { repeats: true });
    console.log(report("grad with repeats", tally));
    expect(tally.tried).toBeGreaterThanOrEqual(PROBLEMS * 0.95);
    expect(tally.verified).toBeGreaterThan(tally.tried * 0.8);
    // the draws exercise the naming: a good share of answers name a repeated part
    expect(tally.named).toBeGreaterThan(tally.tried * 0.05);
  }, 600_000);
});
