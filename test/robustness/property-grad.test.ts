// 6,000 random gradients (in CI): right, or declined; never internal, never wrong; every printed
// form the same tree. See answers-property.ts.
import { describe, expect, it } from "vitest";
import { caseCount, newTally, report, runCase } from "./answers-property.js";

const HALVES = 2;
const PER_HALF = caseCount(3000);

describe("random gradients, checked from their printed text", () => {
  for (let half = 0; half < HALVES; half++) {
    it(`${PER_HALF} problems (part ${half + 1} of ${HALVES})`, () => {
      const tally = newTally();
      for (let i = 0; i < PER_HALF; i++) runCase("grad", 1_000_003 * (half + 1) + i * 7919, tally);
      console.log(report("grad", tally));
      expect(tally.tried).toBeGreaterThan(PER_HALF * 0.9);
      expect(tally.verified).toBeGreaterThan(tally.tried * 0.8);
    }, 600_000);
  }
});
