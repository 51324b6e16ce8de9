// At least 6,000 random gradients: right, or declined; never internal, never wrong; every printed
// form the same tree. See answers-property.ts.
import { describe, expect, it } from "vitest";
import { caseCount, MIN_TRIED, newTally, report, runCase } from "./answers-property.js";

const HALVES = 2;
const PER_HALF = caseCount(MIN_TRIED.grad);

describe("random gradients, checked from their printed text", () => {
  for (let half = 0; half < HALVES; half++) {
    it(`${PER_HALF} problems (part ${half + 1} of ${HALVES})`, () => {
      const tally = newTally();
      for (let i = 0; i < PER_HALF; i++) runCase("grad", 1_000_003 * (half + 1) + i * 7919, tally);
      console.log(report("grad", tally));
      expect(tally.tried).toBeGreaterThanOrEqual(MIN_TRIED.grad);
      expect(tally.verified).toBeGreaterThan(tally.tried * 0.8);
    }, 600_000);
  }
});
