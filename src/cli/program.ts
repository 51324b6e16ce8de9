// The commander program. The only I/O it does goes through CliIO, so tests run it in-process;
// main.ts binds CliIO to the real process.

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  answerQuery,
  expandDefinitions,
  problemFromParts,
  problemFromText,
  problemWithExpressions,
  type QueryAnswer,
} from "../engine.js";
import type { Expr } from "../expr/expr.js";
import { printExpr } from "../print/index.js";
import { CLAIM_POINTS, verifyEqual, verifyGradient } from "../verify.js";
import { describeKinds } from "../evaluate/domain.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import type { QueryKind } from "../parse/surface.js";
import { answerToJson, answerToText, type OutputForm } from "./format.js";
import { DEFAULT_LINE_BUDGET_S, runBatch } from "./batch.js";
import { withTimeBudget } from "../budget.js";
import { VERSION } from "../version.js";
import { generateCode, LANGS, type Lang } from "../codegen/index.js";
import { parseSizes } from "../codegen/sizes.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  readStdin(): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

const QUERY_COMMANDS: readonly QueryKind[] = ["grad", "jacobian", "hessian", "differential"];
const VALUE_OPTIONS = new Set(["-d", "--decl", "--let", "--wrt", "-w", "--format", "-f", "--seed", "--points", "--grad", "-g", "--time-limit", "--lang", "-l", "--name", "--sizes", "-o", "--output"]);
/** Commands whose positional arguments are expressions (which may start with '-'). */
const EXPRESSION_COMMANDS = new Set<string>([...QUERY_COMMANDS, "check", "equal", "code"]);
const FLAG_OPTIONS = new Set(["--check", "--inline", "--steps", "--hessian", "-h", "--help"]);

/**
 * An expression may start with '-' (-D/2*logdet(K)); commander would read it as an option.
 * Known options keep their place and everything else is moved behind `--` as the expression.
 */
export function separateExpression(rest: string[]): string[] {
  const options: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--") {
      positional.push(...rest.slice(i + 1));
      break;
    }
    const name = a.startsWith("--") && a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    // --wrtt is a mistyped option (commander names it and suggests --wrt), not part of the
    // expression; `--x` (a double negation) stays an expression
    const looksLikeOption = /^--[a-z][a-z-]{2,}$/.test(name);
    if (VALUE_OPTIONS.has(name) || (looksLikeOption && !FLAG_OPTIONS.has(name))) {
      options.push(a);
      if (name === a && i + 1 < rest.length) options.push(rest[++i]!);
    } else if (FLAG_OPTIONS.has(a)) options.push(a);
    else positional.push(a);
  }
  return positional.length > 0 ? [...options, "--", ...positional] : options;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Option values are checked where they are read: `--points abc` is a usage error, not a domain one. */
function checked(test: (v: number) => boolean, what: string): (value: string) => string {
  return (value) => {
    const v = Number(value);
    if (value.trim() === "" || !test(v)) throw new InvalidArgumentError(`it must be ${what}`);
    return value;
  };
}
const positiveInteger = checked((v) => Number.isInteger(v) && v >= 1 && v <= 10_000, "a whole number from 1 to 10000");
const seedNumber = checked((v) => Number.isInteger(v) && v >= 0, "a whole number ≥ 0");
const positiveSeconds = checked((v) => Number.isFinite(v) && v > 0, "a number of seconds > 0");

const EXAMPLES = `
Examples:
  $ matdiff grad "x'*A*x" --wrt x -d "x : vector(n); A : matrix(n,n)"
  $ matdiff grad "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')" --wrt Z \\
        -d "Y : matrix(N,D); Z : matrix(N,Q); beta : scalar" --let "K = Z*Z' + 1/beta*I"
  $ matdiff grad "1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)" --wrt m --wrt S \\
        -d "y : vector(n); m : vector(n); S : spd(n)" --check
  $ matdiff run examples/gplvm.matdiff
  $ matdiff code "x'*A*x" --wrt x -d "x : vector(n); A : matrix(n,n)" --lang torch
  $ echo '{"id":"q1","decls":{"x":"vector(n)"},"expr":"x'"'"'*x","wrt":"x"}' | matdiff batch

Exit status: 0 done, 1 a --check found a wrong formula, 2 bad input (syntax, unknown name,
shape clash) or a construct the engine does not support yet.`;

function formatOption(): Option {
  return new Option("-f, --format <form>", "output form").choices(["unicode", "plain", "latex", "json"]).default("unicode");
}

interface QueryOpts {
  decl: string[];
  let: string[];
  wrt: string[];
  format: OutputForm;
  check?: boolean;
  inline?: boolean;
  steps?: boolean;
  seed?: string;
  points?: string;
  timeLimit?: string;
}

/** Seconds a single query may take (its check included) before it stops with a limit error. */
const DEFAULT_QUERY_BUDGET_S = 60;

/** A --time-limit value in seconds (a positive number), or the default. */
function seconds(text: string | undefined, fallback: number): number {
  const v = Number(text);
  return text !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** A check that has run this long reports its progress on stderr (it never writes to stdout). */
const PROGRESS_AFTER_MS = 1000;

/** Progress lines on stderr for a check, once it has run longer than PROGRESS_AFTER_MS. */
export function progressReporter(io: Pick<CliIO, "stderr">): (done: number, wanted: number, ms: number) => void {
  return (done, wanted, ms) => {
    if (ms > PROGRESS_AFTER_MS) io.stderr(`check: point ${done} of ${wanted} (${(ms / 1000).toFixed(1)} s)\n`);
  };
}

function checkOptions(o: { check?: boolean; seed?: string; points?: string }, io: CliIO) {
  if (!o.check) return false;
  return { seed: o.seed ? Number(o.seed) : 1, points: o.points ? Number(o.points) : 3, onProgress: progressReporter(io) };
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let exitCode = EXIT_OK;
  const fail = (d: Diagnostic): void => {
    io.stderr(`${renderDiagnostic(d)}\n`);
    exitCode = EXIT_BAD_INPUT;
  };
  const emit = (answer: Result<QueryAnswer>, form: OutputForm): void => {
    if (!answer.ok) return fail(answer.error);
    const a = answer.value;
    io.stdout(`${form === "json" ? JSON.stringify({ ok: true, ...answerToJson(a) }) : answerToText(a, form)}\n`);
    if (a.check && !a.check.ok && !a.check.inconclusive && exitCode === EXIT_OK) exitCode = EXIT_CHECK_FAILED;
  };

  const program = new Command()
    .name("matdiff")
    .description("Symbolic matrix calculus: closed-form gradients in matrix notation, checked numerically.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .addHelpText("after", EXAMPLES);

  for (const kind of QUERY_COMMANDS) {
    program
      .command(`${kind} <expr>`)
      .description(
        {
          grad: "the gradient of a scalar expression (df = G : dX; symmetric gradient for symmetric/spd X)",
          jacobian: "the Jacobian J, numerator layout: d vec(F) = J d vec(X) (columns stacked)",
          hessian: "the Hessian of a scalar expression (for a matrix X: in vec(X) coordinates)",
          differential: "the differential dF as a linear expression in dX",
        }[kind],
      )
      .option("-w, --wrt <name>", "variable to differentiate with respect to (repeatable, or comma-separated)", collect, [])
      .option("-d, --decl <decls>", 'declarations, e.g. "X : matrix(n,m); y : vector(n)" (repeatable)', collect, [])
      .option("--let <def>", 'a definition, e.g. "K = Z*Z\' + I" (repeatable, in order)', collect, [])
      .addOption(formatOption())
      .option("--check", "compare the answer with finite differences at random points")
      .option("--seed <n>", "seed for --check's random points", seedNumber, "1")
      .option("--points <n>", "how many random points --check compares", positiveInteger, "3")
      .option("--inline", "write the answer without the --let names (substitute their bodies)")
      .option("--steps", "show the derivation step by step, each step naming the identity it used")
      .option("--time-limit <seconds>", "stop with a limit error after this long", positiveSeconds, String(DEFAULT_QUERY_BUDGET_S))
      .addHelpText("after", EXAMPLES)
      .action((expr: string, o: QueryOpts) => {
        const problem = problemFromParts({
          decls: o.decl.map((text, i) => ({ text, source: `-d (${i + 1})` })),
          defs: o.let.map((text, i) => ({ text, source: `--let (${i + 1})` })),
          query: kind,
          expr: { text: expr, source: "EXPR" },
          wrt: o.wrt.flatMap((w) => w.split(",")).map((w) => w.trim()).filter((w) => w !== ""),
        });
        if (!problem.ok) return fail(problem.error);
        const budget = seconds(o.timeLimit, DEFAULT_QUERY_BUDGET_S);
        emit(withTimeBudget(budget * 1000, () => answerQuery(problem.value, problem.value.queries[0]!, { inline: o.inline ?? false, check: checkOptions(o, io), steps: o.steps ?? false })), o.format);
      });
  }

  program
    .command("code <expr>")
    .description("a function computing the value and gradient(s), in NumPy, PyTorch, JAX, Octave/MATLAB or TypeScript")
    .option("-w, --wrt <name>", "variable to differentiate with respect to (repeatable, or comma-separated)", collect, [])
    .option("-d, --decl <decls>", 'declarations, e.g. "X : matrix(n,m); y : vector(n)" (repeatable)', collect, [])
    .option("--let <def>", 'a definition, e.g. "K = Z*Z\' + I" (repeatable, in order)', collect, [])
    .addOption(new Option("-l, --lang <lang>", "target language").choices([...LANGS]).default("numpy"))
    .option("--name <name>", "the function's name", "value_and_grad")
    .option("--sizes <sizes>", "sizes for the cost model and the flop ratio, e.g. N=2000,D=10 (others: all equal and large)")
    .option("--hessian", "also the Hessian (scalar and vector variables) or a Hessian-vector product (matrix variables)")
    .option("--time-limit <seconds>", "stop with a limit error after this long", positiveSeconds, String(DEFAULT_QUERY_BUDGET_S))
    .addHelpText("after", `
The function takes the declared variables in declaration order (sizes are read from their shapes,
which it checks) and returns (value, grad_X, ...) in --wrt order. It is inverse-free: inv(A)*B is a
solve with one factor of A (Cholesky when A is provably spd: declared spd, or ZZ' plus a positive
multiple of I with a positive scalar), products are ordered by a cost model, tr(AB) and diag(AB) are
elementwise sums. The header states the problem, the conventions and the flop counts.

Examples:
  $ matdiff code "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')" --wrt Z --lang numpy --sizes N=2000,D=10,Q=2 \\
        -d "Y : matrix(N,D); Z : matrix(N,Q); beta : positive" --let "K = Z*Z' + 1/beta*I"
  $ matdiff code "x'*A*x" --wrt x -d "x : vector(n); A : matrix(n,n)" --lang torch --hessian`)
    .action((expr: string, o: { decl: string[]; let: string[]; wrt: string[]; lang: Lang; name: string; sizes?: string; hessian?: boolean; timeLimit?: string }) => {
      const sizes = parseSizes(o.sizes);
      if (!sizes.ok) return fail(sizes.error);
      const problem = problemFromParts({
        decls: o.decl.map((text, i) => ({ text, source: `-d (${i + 1})` })),
        defs: o.let.map((text, i) => ({ text, source: `--let (${i + 1})` })),
        query: "grad",
        expr: { text: expr, source: "EXPR" },
        wrt: o.wrt.flatMap((w) => w.split(",")).map((w) => w.trim()).filter((w) => w !== ""),
      });
      if (!problem.ok) return fail(problem.error);
      const budget = seconds(o.timeLimit, DEFAULT_QUERY_BUDGET_S);
      const code = withTimeBudget(budget * 1000, () =>
        generateCode(problem.value, problem.value.queries[0]!, { lang: o.lang, name: o.name, sizes: sizes.value, hessian: o.hessian ?? false }),
      );
      if (!code.ok) return fail(code.error);
      io.stdout(code.value.code);
    });

  program
    .command("check <expr>")
    .description("verify a hand-derived gradient: exit 0 if right, 1 if wrong (with the correct one and a diagnosis)")
    .requiredOption("-g, --grad <G>", "your gradient of EXPR with respect to the --wrt variable")
    .option("-w, --wrt <name>", "the variable (one)", collect, [])
    .option("-d, --decl <decls>", "declarations (repeatable)", collect, [])
    .option("--let <def>", "a definition (repeatable, in order)", collect, [])
    .addOption(formatOption())
    .option("--seed <n>", "seed for the random points", seedNumber, "1")
    .option("--points <n>", "how many random points (each kind in turn: around 1, negative, small, large, mixed)", positiveInteger, String(CLAIM_POINTS))
    .addHelpText("after", `
Examples:
  $ matdiff check "x'*A*x" --wrt x --grad "2*A*x" -d "x : vector(n); A : matrix(n,n)"
      (wrong unless A is symmetric: the correct gradient is (A + Aᵀ)x)
  $ matdiff check "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')" --wrt Z --grad "inv(K)*Y*Y'*inv(K)*Z - D*inv(K)*Z" \\
      -d "Y : matrix(N,D); Z : matrix(N,Q); beta : scalar" --let "K = Z*Z' + 1/beta*I"`)
    .action((expr: string, o: QueryOpts & { grad: string }) => {
      const wrt = o.wrt.flatMap((w) => w.split(",")).map((w) => w.trim()).filter((w) => w !== "");
      if (wrt.length !== 1) return fail({ kind: "syntax", message: "check takes exactly one --wrt variable" });
      const r = problemWithExpressions(
        {
          decls: o.decl.map((text, i) => ({ text, source: `-d (${i + 1})` })),
          defs: o.let.map((text, i) => ({ text, source: `--let (${i + 1})` })),
          query: "grad",
          expr: { text: expr, source: "EXPR" },
          wrt,
        },
        [{ text: o.grad, source: "--grad" }],
      );
      if (!r.ok) return fail(r.error);
      const { problem, exprs } = r.value;
      const answer = answerQuery(problem, problem.queries[0]!);
      if (!answer.ok) return fail(answer.error);
      const a = answer.value;
      const correct = expandDefinitions(a.results[0]!.value, a.definitions);
      const form = o.format === "json" ? "plain" : o.format;
      const verdict = verifyGradient(problem, problem.queries[0]!.expr, a.results[0]!.wrt, exprs[0]!, correct, (e: Expr) => printExpr(e, form), {
        seed: Number(o.seed ?? 1),
        points: Number(o.points ?? CLAIM_POINTS),
      });
      const correctText = answerToText({ ...a, check: undefined } as QueryAnswer, form);
      if (o.format === "json") {
        const detail = verdict.right
          ? { how: verdict.how, kinds: verdict.kinds }
          : { diagnosis: verdict.diagnosis, ...(verdict.counterexample ? { counterexample: verdict.counterexample } : {}) };
        io.stdout(`${JSON.stringify({ ok: true, right: verdict.right, ...detail, points: verdict.points, correct: answerToJson(a) })}\n`);
      } else if (verdict.right) {
        const how = verdict.how === "symbolic" ? "symbolically (the same canonical form) and " : "";
        io.stdout(`right: your gradient agrees with matdiff's ${how}numerically at ${describeKinds(verdict.kinds)}\n${correctText}\n`);
      } else if (verdict.inconclusive) {
        io.stdout(`inconclusive: ${verdict.diagnosis}\n`);
      } else {
        const where = verdict.counterexample ? `\n  for example ${verdict.counterexample}` : "";
        io.stdout(`WRONG: ${verdict.diagnosis}${where}\ncorrect:\n${correctText}\n`);
      }
      if (!verdict.right && !("inconclusive" in verdict && verdict.inconclusive) && exitCode === EXIT_OK) exitCode = EXIT_CHECK_FAILED;
    });

  program
    .command("equal <a> <b>")
    .description("are two expressions equal (same declarations)? symbolically when the canonical forms agree, numerically otherwise")
    .option("-d, --decl <decls>", "declarations (repeatable)", collect, [])
    .option("--let <def>", "a definition (repeatable, in order)", collect, [])
    .option("--seed <n>", "seed for the random points", seedNumber, "1")
    .option("--points <n>", "how many random points (each kind in turn: around 1, negative, small, large, mixed)", positiveInteger, String(CLAIM_POINTS))
    .action((a: string, b: string, o: { decl: string[]; let: string[]; seed?: string; points?: string }) => {
      const r = problemWithExpressions(
        { decls: o.decl.map((text, i) => ({ text, source: `-d (${i + 1})` })), defs: o.let.map((text, i) => ({ text, source: `--let (${i + 1})` })) },
        [
          { text: a, source: "A" },
          { text: b, source: "B" },
        ],
      );
      if (!r.ok) return fail(r.error);
      const [x, y] = r.value.exprs as [Expr, Expr];
      if (x.shape[0] !== y.shape[0] || x.shape[1] !== y.shape[1]) {
        io.stdout(`not equal: A is ${x.shape[0]}×${x.shape[1]} and B is ${y.shape[0]}×${y.shape[1]}\n`);
        if (exitCode === EXIT_OK) exitCode = EXIT_CHECK_FAILED;
        return;
      }
      const v = verifyEqual(r.value.problem, x, y, { seed: Number(o.seed ?? 1), points: Number(o.points ?? CLAIM_POINTS) });
      if (v.inconclusive) io.stdout("inconclusive: no random point in the domain\n");
      else if (v.equal && v.how === "symbolic") io.stdout("equal: symbolically (the same canonical form)\n");
      else if (v.equal) io.stdout(`equal: numerically, at ${describeKinds(v.kinds)} (max relative error ${v.maxRelError.toExponential(1)}); not proved symbolically\n`);
      else {
        const how = v.maxRelError === Infinity ? "one is undefined where the other is defined" : `relative error ${v.maxRelError.toExponential(1)}`;
        io.stdout(`not equal: they differ numerically (${how})${v.counterexample ? `\n  for example ${v.counterexample}` : ""}\n`);
        if (exitCode === EXIT_OK) exitCode = EXIT_CHECK_FAILED;
      }
    });

  program
    .command("run <file>")
    .description("answer every query in a problem file (declarations, definitions, queries)")
    .addOption(formatOption())
    .option("--check", "compare every answer with finite differences at random points")
    .option("--seed <n>", "seed for --check's random points", seedNumber, "1")
    .option("--inline", "write answers without the file's definitions")
    .option("--steps", "show each derivation step by step")
    .option("--time-limit <seconds>", "stop a query with a limit error after this long (the others go on)", positiveSeconds, String(DEFAULT_QUERY_BUDGET_S))
    .addOption(new Option("--code <lang>", "instead of answers: code for every grad (and hessian) query, as `matdiff code` writes it").choices([...LANGS]))
    .option("--sizes <sizes>", "with --code: sizes for the cost model, e.g. N=2000,D=10")
    .action((file: string, o: { format: OutputForm; check?: boolean; seed?: string; inline?: boolean; steps?: boolean; timeLimit?: string; code?: Lang; sizes?: string }) => {
      let text: string;
      try {
        text = io.readFile(file);
      } catch {
        return fail({ kind: "syntax", message: `cannot read ${file}` });
      }
      const problem = problemFromText(text, file);
      if (!problem.ok) return fail(problem.error);
      if (problem.value.queryOutcomes.length === 0) {
        return fail({ kind: "syntax", message: `${file} has no query`, hint: "add a line such as: grad f wrt X" });
      }
      const budget = seconds(o.timeLimit, DEFAULT_QUERY_BUDGET_S);
      // every query in order; one that cannot be resolved is reported and the rest go on
      for (const outcome of problem.value.queryOutcomes) {
        if (!outcome.ok) {
          fail(outcome.error);
          continue;
        }
        const q = outcome.query;
        if (o.code) {
          if (q.kind !== "grad" && q.kind !== "hessian") {
            fail({ kind: "unsupported", message: `code generation for ${q.kind} queries (grad and hessian only)` });
            continue;
          }
          const sizes = parseSizes(o.sizes);
          if (!sizes.ok) return fail(sizes.error);
          const index = problem.value.queries.indexOf(q) + 1;
          const code = withTimeBudget(budget * 1000, () =>
            generateCode(problem.value, q, { lang: o.code!, name: `value_and_grad_${index}`, sizes: sizes.value, hessian: q.kind === "hessian" }),
          );
          if (!code.ok) fail(code.error);
          else io.stdout(`${code.value.code}\n`);
          continue;
        }
        const a = withTimeBudget(budget * 1000, () => answerQuery(problem.value, q, { inline: o.inline ?? false, check: checkOptions(o, io), steps: o.steps ?? false }));
        if (o.format !== "json") io.stdout(`${o.format === "latex" ? "%" : "#"} ${q.kind} ${q.text} wrt ${q.wrt.map((v) => v.name).join(", ")}\n`);
        emit(a, o.format);
      }
    });

  program
    .command("batch [file]")
    .description("JSON Lines in (file or stdin), one JSON line out per query, same id, in order")
    .option("--time-limit <seconds>", "per line: a line that takes longer gets a limit error, and the batch goes on", positiveSeconds, String(DEFAULT_LINE_BUDGET_S))
    .action(async (file: string | undefined, o: { timeLimit?: string }) => {
      let input: string;
      try {
        input = file ? io.readFile(file) : await io.readStdin();
      } catch {
        return fail({ kind: "syntax", message: `cannot read ${file ?? "standard input"}` });
      }
      runBatch(input, (line) => io.stdout(`${line}\n`), seconds(o.timeLimit, DEFAULT_LINE_BUDGET_S));
    });

  const [first, ...rest] = argv;
  const args = first && EXPRESSION_COMMANDS.has(first) ? [first, ...separateExpression(rest)] : argv;
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return quiet.includes(e.code) ? EXIT_OK : EXIT_BAD_INPUT;
    }
    throw e;
  }
  return exitCode;
}
