// What is printed is what is checked: every answer is printed in the plain form and read back under
// the problem's declarations (plus the engine's own definitions). The check and the other printed
// forms start from the node read back, so no printer defect can show the user a formula that was
// never verified. A node whose text denotes another node is a bug in a printer or a canonical
// constructor: settle() then uses the node the text denotes (if that one reads back as itself),
// and anything else is an `internal` error, never output.

import { fail } from "../diagnostics/diagnostic.js";
import { InternalError } from "../expr/build.js";
import { forEachDistinct, type Expr, type Sym } from "../expr/expr.js";
import { parseExpression, MAX_INPUT_CHARS, MAX_NESTING } from "../parse/parser.js";
import { Resolver, type Problem } from "../parse/resolve.js";
import { printExpr } from "../print/index.js";

/** Printed answers may nest deeper than typed input; the parser is iterative, the resolver is not. */
const ANSWER_LIMITS = { nesting: MAX_NESTING * 10, chars: MAX_INPUT_CHARS * 5 };

/**
 * An answer larger than this (in nodes, shared parts counted each time they print) is a `limit`
 * error: its text would run past a megabyte, and nobody reads such a formula.
 */
export const MAX_ANSWER_NODES = 200_000;

export function tooLarge(e: Expr, what = "answer"): never {
  return fail("limit", `the ${what} would have ${e.size.toLocaleString("en")} nodes; the limit is ${MAX_ANSWER_NODES.toLocaleString("en")}`, {
    hint: "name repeated parts with definitions, or differentiate a smaller piece",
  });
}

/** Reading back a settled form once more must give the same node; more rounds mean a bug. */
const MAX_SETTLE_ROUNDS = 2;

/** How often an answer had to be settled (read back into another node) since start: for the tests. */
export const rereadStats = { settled: 0 };

/** Every symbol of role "def" in the trees (the engine's names among them), by name. */
function definitionSymbols(roots: readonly Expr[]): Map<string, Sym> {
  const out = new Map<string, Sym>();
  forEachDistinct(roots, (e) => {
    if (e.kind === "sym" && e.role === "def") out.set(e.name, e);
  });
  return out;
}

export class Rereader {
  private readonly resolver: Resolver;

  /**
   * `definitions` are the engine's named subexpressions, in dependency order; each body is read
   * back (and must match) before its name becomes visible to later bodies and to the answers.
   */
  constructor(problem: Problem, definitions: ReadonlyArray<[string, Expr]>, answers: readonly Expr[]) {
    this.resolver = Resolver.inScope(problem, { differentials: true });
    const symbols = definitionSymbols([...answers, ...definitions.map(([, body]) => body)]);
    this.definitions = definitions.map(([name, body]) => {
      const settled = this.settle(body, `definition ${name}`);
      const symbol = symbols.get(name);
      // a name that no answer or body mentions needs no symbol to be read back
      if (symbol) this.resolver.defineResolved({ name, sym: symbol, body: settled });
      return [name, settled];
    });
  }

  /** The engine's definitions as they are printed (each settled). */
  readonly definitions: Array<[string, Expr]>;

  /**
   * The answer to print: `e`, or, where a constructor left `e` in a form its own text does not
   * rebuild (two spellings of one Hadamard product, say), the node its text denotes, once that
   * node's text reads back as itself. What is returned always satisfies parse(print(x)) === x.
   */
  settle(e: Expr, what = "answer"): Expr {
    let current = e;
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      const back = this.readBack(current, what);
      if (back === current) return current;
      rereadStats.settled++;
      current = back;
    }
    return this.reread(current, what);
  }

  /** The node that the plain text of `e` denotes; it is `e` itself, or this throws. */
  reread(e: Expr, what = "answer"): Expr {
    const back = this.readBack(e, what);
    if (back !== e) {
      throw new InternalError(`internal: the printed ${what} reads back as a different expression: ${printExpr(e, "plain")} (reads back as ${printExpr(back, "plain")})`);
    }
    return back;
  }

  private readBack(e: Expr, what: string): Expr {
    if (e.size > MAX_ANSWER_NODES) tooLarge(e, what);
    const text = printExpr(e, "plain");
    const source = { name: "printed answer", text };
    const parsed = parseExpression(text, source, ANSWER_LIMITS);
    if (!parsed.ok) {
      if (parsed.error.kind === "limit") {
        fail("limit", `the ${what} is too large to print and verify (${text.length} characters, ${e.size} nodes)`);
      }
      throw new InternalError(`internal: the printed ${what} does not parse (${parsed.error.message}): ${text}`);
    }
    let back: Expr;
    try {
      back = this.resolver.expression(parsed.value, source);
    } catch (err) {
      if (err instanceof RangeError) fail("limit", `the ${what} is nested too deeply to print and verify (${e.size} nodes)`);
      throw new InternalError(`internal: the printed ${what} does not resolve (${err instanceof Error ? err.message : String(err)}): ${text}`);
    }
    return back;
  }
}
