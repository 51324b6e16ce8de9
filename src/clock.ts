// Milliseconds from an arbitrary origin, for time budgets and reported timings. In Node the
// `performance` global is loaded on its first use, which costs about a millisecond of every cold
// start; process.hrtime is there from the start. The browser (the playground) has performance.

const hrtime = typeof process !== "undefined" && typeof process.hrtime?.bigint === "function" ? process.hrtime : undefined;

export const nowMs: () => number = hrtime ? () => Number(hrtime.bigint()) / 1e6 : () => performance.now();
