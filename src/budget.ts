// Time budgets: a query that runs past its budget stops with a `limit` error instead of hanging
// (a batch line that does so gets that error, and the batch goes on).
//
// JavaScript cannot interrupt a running computation, so the budget is cooperative: the hot paths
// (making a node, evaluating one, laying one out for printing, comparing two) call tick(), which
// looks at the clock every few thousand calls and throws once the deadline has passed.

import { nowMs } from "./clock.js";

export class BudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`the query ran past its time budget of ${budgetMs / 1000} s`);
  }
}

/** Expression nodes one query may create: an answer growing past this is a `limit`, not 2 GB. */
export const MAX_NEW_NODES = 2_000_000;

/** One expression (shared parts counted each time) may not grow past this many nodes. */
export const MAX_TREE_NODES = 1_000_000;

export class SizeExceeded extends Error {}

/** Called for every new node with its tree size. */
export function checkSize(size: number): void {
  if (size > MAX_TREE_NODES) {
    throw new SizeExceeded(`an expression grew past ${MAX_TREE_NODES.toLocaleString("en")} nodes while differentiating (the answer would be at least that large)`);
  }
}

let deadline = Infinity;
let budgetMs = Infinity;
let calls = 0;
/** Nodes made under the current budget; Infinity-free: counting starts at each budget. */
let grown = 0;
let growthLimit = Infinity;

/**
 * Run f with a deadline `ms` from now (nested budgets keep the earlier deadline) and a limit of
 * MAX_NEW_NODES new expression nodes.
 */
export function withTimeBudget<T>(ms: number, f: () => T): T {
  const saved = { deadline, budgetMs, grown, growthLimit };
  const mine = nowMs() + ms;
  if (mine < deadline) {
    deadline = mine;
    budgetMs = ms;
  }
  growthLimit = Math.min(growthLimit, grown + MAX_NEW_NODES);
  try {
    return f();
  } finally {
    const used = grown;
    ({ deadline, budgetMs, growthLimit } = saved);
    grown = used; // growth inside counts against an enclosing budget too
  }
}

/** Called once per new node. */
export function grow(): void {
  if (++grown > growthLimit) throw new SizeExceeded(`the computation made more than ${MAX_NEW_NODES.toLocaleString("en")} distinct expression nodes`);
}

/** Called on hot paths; cheap except every 4096th call, which reads the clock. */
export function tick(): void {
  if ((++calls & 4095) !== 0 || deadline === Infinity) return;
  if (nowMs() > deadline) throw new BudgetExceeded(budgetMs);
}
