// Random Jacobians, differentials and Hessians (in CI: 1,500 + 1,500 + 1,000): right, or
// declined; never internal, never wrong; every printed form the same tree. See answers-property.ts.
import { describe, expect, it } from "vitest";
import { caseCount, newTally, report, runCase } from "./answers-property.js";
import type { QueryKind } from "../../src/parse/surface.js";

const SUITES: Array<[QueryKind, number]> = [
  ["jacobian", caseCount(1500)],
  ["differential", caseCount(1500)],
  ["hessian", caseCount(1000)],
];

describe("random Jacobians, differentials and Hessians, checked from their printed text", () => {
  for (const [kind, n] of SUITES) {
    it(`${n} ${kind} problems`, () => {
      const tally = newTally();
      for (let i = 0; i < n; i++) runCase(kind, 7_000_001 + i * 104_729, tally);
      console.log(report(kind, tally));
      expect(tally.tried).toBeGreaterThan(n * 0.5);
      expect(tally.verified).toBeGreaterThan(tally.tried * 0.5);
    }, 600_000);
  }
});
