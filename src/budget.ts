// Time budgets: a query that runs past its budget stops with a `limit` error instead of hanging
// (a batch line that does so gets that error, and the batch goes on).
//
// JavaScript cannot interrupt a running computation, so the budget is cooperative: the hot paths
// (making a node, evaluating one, laying one out for printing, comparing two) call tick(), which
// looks at the clock every few thousand calls and throws once the deadline has passed.

export class BudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`the query ran past its time budget of ${budgetMs / 1000} s`);
  }
}

let deadline = Infinity;
let budgetMs = Infinity;
let calls = 0;

/** Run f with a deadline `ms` from now (nested budgets keep the earlier deadline). */
export function withTimeBudget<T>(ms: number, f: () => T): T {
  const saved = { deadline, budgetMs };
  const mine = performance.now() + ms;
  if (mine < deadline) {
    deadline = mine;
    budgetMs = ms;
  }
  try {
    return f();
  } finally {
    ({ deadline, budgetMs } = saved);
  }
}

/** Called on hot paths; cheap except every 4096th call, which reads the clock. */
export function tick(): void {
  if ((++calls & 4095) !== 0 || deadline === Infinity) return;
  if (performance.now() > deadline) throw new BudgetExceeded(budgetMs);
}
