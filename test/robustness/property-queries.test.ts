// At least 1,500 random Jacobians, 1,500 differentials and 1,000 Hessians: right, or declined;
// never internal, never wrong; every printed form the same tree. See answers-property.ts.
import { describe, expect, it } from "vitest";
import { caseCount, MIN_TRIED, newTally, report, runCase } from "./answers-property.js";

const SUITES = (["jacobian", "differential", "hessian"] as const).map((kind) => [kind, caseCount(MIN_TRIED[kind])] as const);

describe("random Jacobians, differentials and Hessians, checked from their printed text", () => {
  for (const [kind, n] of SUITES) {
    it(`${n} ${kind} problems`, () => {
      const tally = newTally();
      for (let i = 0; i < n; i++) runCase(kind, 7_000_001 + i * 104_729, tally);
      console.log(report(kind, tally));
      expect(tally.tried).toBeGreaterThanOrEqual(MIN_TRIED[kind]);
      expect(tally.verified).toBeGreaterThan(tally.tried * 0.5);
    }, 600_000);
  }
});
