// Generated code, verified by running it: each case's function is generated, run in the real
// runtime (python3 with NumPy/SciPy, PyTorch, the JAX stand-in or real JAX, GNU Octave, Node for
// TypeScript) at a random point, and its outputs are compared with the engine: the value with the
// engine's evaluation of f, every gradient with the engine's checked answer and with finite
// differences of f, every Hessian (or Hessian-vector product) with differences of the gradient.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { answerQuery, expandDefinitions } from "../../src/engine.js";
import { generateCode, type Lang } from "../../src/codegen/index.js";
import type { Expr } from "../../src/expr/expr.js";
import type { Problem, QueryInfo, VarInfo } from "../../src/parse/resolve.js";
import { drawPoint, kinkArguments, withDefinitions } from "../../src/evaluate/domain.js";
import { evaluate, fill, frobeniusNorm, type Env, type Matrix } from "../../src/evaluate/numeric.js";
import { derivativeWithError, inner, stepFor } from "../../src/evaluate/differences.js";
import { relativeError } from "../../src/evaluate/check.js";
import { Random } from "../../src/evaluate/random.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";

export const TOLERANCE = 1e-6;
const RUNTIMES = fileURLToPath(new URL("./runtimes/", import.meta.url));

export interface CodeCase {
  id: string;
  problem: Problem;
  /** A grad query (its wrt variables are the gradients generated). */
  query: QueryInfo;
  hessian?: boolean;
}

export interface Outcome {
  id: string;
  status: "ok" | "declined" | "failed" | "no-point";
  detail?: string;
  code?: string;
}

// ------------------------------------------------------------------ runtimes

function works(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: "ignore", timeout: 60_000 });
  return r.status === 0;
}

let pythonCache: Map<string, string | undefined> | undefined;

/** A python3 that imports the modules (the user's python3 first, then Debian's). */
function pythonWith(modules: string): string | undefined {
  pythonCache ??= new Map();
  if (pythonCache.has(modules)) return pythonCache.get(modules);
  const found = ["python3", "/usr/bin/python3"].find((p) => works(p, ["-c", `import ${modules}`]));
  pythonCache.set(modules, found);
  return found;
}

export interface Runtime {
  lang: Lang;
  /** Why it cannot run here, or undefined when it can. */
  missing?: string;
  run?: (dir: string, manifest: string) => unknown[];
  /** Real JAX or the stand-in. */
  note?: string;
}

export function runtime(lang: Lang): Runtime {
  switch (lang) {
    case "numpy":
    case "torch": {
      const python = pythonWith(lang === "numpy" ? "numpy, scipy" : "torch, numpy");
      if (!python) return { lang, missing: lang === "numpy" ? "python3 with numpy and scipy" : "python3 with torch (Debian: python3-torch)" };
      return { lang, run: (_dir, manifest) => JSON.parse(execFileSync(python, [join(RUNTIMES, "run_python.py"), lang, manifest], { maxBuffer: 1 << 28, encoding: "utf8" })) as unknown[] };
    }
    case "jax": {
      const real = pythonWith("jax, scipy");
      const python = real ?? pythonWith("numpy, scipy");
      if (!python) return { lang, missing: "python3 with numpy and scipy (for the JAX stand-in)" };
      const env = real ? { ...process.env, JAX_ENABLE_X64: "1" } : { ...process.env, PYTHONPATH: join(RUNTIMES, "jax_standin") };
      return {
        lang,
        note: real ? "real JAX" : "the JAX stand-in (NumPy/SciPy with immutable arrays)",
        run: (_dir, manifest) => JSON.parse(execFileSync(python, [join(RUNTIMES, "run_python.py"), lang, manifest], { env, maxBuffer: 1 << 28, encoding: "utf8" })) as unknown[],
      };
    }
    case "octave": {
      if (!works("octave", ["--version"])) return { lang, missing: "GNU Octave (Debian: octave)" };
      return {
        lang,
        run: (dir, manifest) => {
          const out = join(dir, "results.json");
          execFileSync("octave", ["--no-gui", "--no-window-system", "--quiet", "--norc", "--path", dir, "--path", RUNTIMES, "--eval", `run_octave('${manifest}', '${out}')`], { stdio: "pipe", maxBuffer: 1 << 28 });
          return JSON.parse(readFileSync(out, "utf8")) as unknown[];
        },
      };
    }
    case "ts":
      return { lang, run: (dir, manifest) => JSON.parse(execFileSync(process.execPath, [join(RUNTIMES, "run_ts.mjs"), manifest], { cwd: dir, maxBuffer: 1 << 28, encoding: "utf8" })) as unknown[] };
  }
}

/** CI sets this: a missing runtime is a failure there, not a skip. */
export const RUNTIMES_REQUIRED = process.env.MATDIFF_REQUIRE_RUNTIMES === "1";

// ------------------------------------------------------------------ cases

const FILE_EXT: Record<Lang, string> = { numpy: "py", torch: "py", jax: "py", octave: "m", ts: "ts" };

interface Prepared {
  c: CodeCase;
  fn: string;
  file: string;
  code: string;
  env: Env;
  args: unknown[];
  f: Expr;
  grads: Array<{ v: VarInfo; g: Expr }>;
  directions: Map<string, Matrix>;
  hessianWrt: VarInfo[];
}

function seedOf(id: string): number {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

function randomDirection(v: VarInfo, rng: Random, like: Matrix): Matrix {
  const [n, m] = [like.length, like[0]!.length];
  const g = fill(n, m, () => rng.normal());
  return v.sym.symmetric ? fill(n, m, (i, j) => (g[i]![j]! + g[j]![i]!) / 2) : g;
}

/** Arguments as a user passes them: a vector 1-D (every other case as n×1), a scalar a number. */
function argument(v: VarInfo, value: Matrix, column: boolean): unknown {
  if (v.shape[0] === 1 && v.shape[1] === 1) return value[0]![0]!;
  if (v.shape[1] === 1) return column ? value : value.map((r) => r[0]!);
  return value;
}

function prepare(c: CodeCase, lang: Lang, index: number, dir: string, mutate?: (code: string) => string): Prepared | Outcome {
  const fn = `generated_${index}`;
  const gen = generateCode(c.problem, c.query, { lang, name: fn, hessian: c.hessian ?? false });
  if (!gen.ok) {
    return { id: c.id, status: gen.error.kind === "unsupported" ? "declined" : "failed", detail: renderDiagnostic(gen.error) };
  }
  const answer = answerQuery(c.problem, { ...c.query, kind: "grad" });
  if (!answer.ok) return { id: c.id, status: "failed", detail: renderDiagnostic(answer.error) };
  const grads = answer.value.results.map((r) => ({ v: r.wrt, g: expandDefinitions(r.value, answer.value.definitions) }));
  const f = c.query.expr;
  const rng = new Random(seedOf(c.id));
  const point = drawPoint(c.problem, "around 1", rng, { finite: [f, ...grads.map((g) => g.g)], kinks: kinkArguments(c.problem, [f, ...grads.map((g) => g.g)]) });
  if (!point) return { id: c.id, status: "no-point" };
  const env = point.env;
  const args: unknown[] = [...c.problem.vars.values()].map((v) => argument(v, env.values.get(v.name)!, index % 2 === 1));
  const directions = new Map<string, Matrix>();
  const hessianWrt = c.hessian ? c.query.wrt : [];
  for (const v of hessianWrt) {
    if (v.shape[0] !== 1 && v.shape[1] !== 1) {
      const V = randomDirection(v, rng, env.values.get(v.name)!);
      directions.set(v.name, V);
      args.push(V);
    }
  }
  const file = join(dir, `${fn}.${FILE_EXT[lang]}`);
  const code = mutate ? mutate(gen.value.code) : gen.value.code;
  writeFileSync(file, code);
  return { c, fn, file, code, env, args, f, grads, directions, hessianWrt };
}

// ------------------------------------------------------------------ comparing

function asMatrix(x: unknown, shape: [number, number]): Matrix {
  const flat = (Array.isArray(x) ? (x as unknown[]).flat(3) : [x]) as number[];
  return fill(shape[0], shape[1], (i, j) => Number(flat[i * shape[1] + j]));
}

function shapeOf(m: Matrix): [number, number] {
  return [m.length, m[0]!.length];
}

/** f at the point with variable `name` moved by t·V (definitions recomputed). */
function along(p: Prepared, e: Expr, name: string, V: Matrix): (t: number) => number[] {
  return (t) => {
    const values = new Map(p.env.values);
    const X = p.env.values.get(name)!;
    values.set(name, X.map((row, i) => row.map((x, j) => x + t * V[i]![j]!)));
    const env = withDefinitions(p.c.problem, new Map([...p.c.problem.vars.keys()].map((k) => [k, values.get(k)!])), p.env.dims, p.env.generators);
    return evaluate(e, env).flat();
  };
}

function compare(p: Prepared, outputs: unknown[]): string | undefined {
  const rng = new Random(seedOf(p.c.id) + 7);
  const fEngine = evaluate(p.f, p.env);
  const value = asMatrix(outputs[0], [1, 1]);
  const ve = relativeError(value, fEngine);
  if (!(ve <= TOLERANCE)) return `value ${value[0]![0]} but the engine evaluates f to ${fEngine[0]![0]} (relative error ${ve.toExponential(2)})`;
  for (let k = 0; k < p.grads.length; k++) {
    const { v, g } = p.grads[k]!;
    const X = p.env.values.get(v.name)!;
    const expected = evaluate(g, p.env);
    const G = asMatrix(outputs[1 + k], shapeOf(expected));
    const re = relativeError(G, expected);
    if (!(re <= TOLERANCE)) return `grad ${v.name} differs from the engine's answer (relative error ${re.toExponential(2)})`;
    const V = randomDirection(v, rng, X);
    const fd = derivativeWithError(along(p, p.f, v.name, V), stepFor(X))[0]!;
    const claimed = inner(G, V);
    const slack = TOLERANCE * Math.max(Math.abs(fd.value), frobeniusNorm(G) * frobeniusNorm(V)) + 10 * fd.error;
    if (!(Math.abs(fd.value - claimed) <= slack)) return `grad ${v.name}: finite differences give ${fd.value}, the code's gradient ${claimed}`;
  }
  for (let k = 0; k < p.hessianWrt.length; k++) {
    const v = p.hessianWrt[k]!;
    const g = p.grads.find((x) => x.v === v)!.g;
    const X = p.env.values.get(v.name)!;
    const out = outputs[1 + p.grads.length + k];
    const direction = p.directions.get(v.name);
    const V = direction ?? randomDirection(v, rng, X);
    const fd = derivativeWithError(along(p, g, v.name, V), stepFor(X));
    let claimed: number[];
    if (direction) claimed = asMatrix(out, shapeOf(X)).flat();
    else {
      const n = X.length * X[0]!.length;
      const H = asMatrix(out, [n, n]);
      const vecV = V[0]!.map((_, j) => V.map((row) => row[j]!)).flat(); // column-major vec
      const Hv = H.map((row) => row.reduce((s, h, j) => s + h * vecV[j]!, 0));
      // back to the gradient's row-major layout
      const [r, cN] = shapeOf(X);
      claimed = fill(r, cN, (i, j) => Hv[j * r + i]!).flat();
    }
    const scale = Math.max(...fd.map((e) => Math.abs(e.value)), ...claimed.map(Math.abs));
    for (let i = 0; i < fd.length; i++) {
      if (!(Math.abs(fd[i]!.value - claimed[i]!) <= TOLERANCE * scale + 10 * fd[i]!.error)) {
        return `${direction ? "hvp" : "hess"} ${v.name}: entry ${i}: finite differences of the gradient give ${fd[i]!.value}, the code ${claimed[i]}`;
      }
    }
  }
  return undefined;
}

/** Vector gradients come back in the input's shape: 1-D for a 1-D argument. */
function vectorShapeProblem(p: Prepared, outputs: unknown[]): string | undefined {
  const names = [...p.c.problem.vars.keys()];
  for (let k = 0; k < p.grads.length; k++) {
    const v = p.grads[k]!.v;
    if (!(v.shape[1] === 1 && v.shape[0] !== 1)) continue;
    const arg = p.args[names.indexOf(v.name)] as unknown[];
    const out = outputs[1 + k] as unknown[];
    const oneD = !Array.isArray(arg[0]);
    if (oneD !== !Array.isArray(out[0])) return `grad ${v.name}: a ${oneD ? "1-D" : "column"} argument gave a ${Array.isArray(out[0]) ? "column" : "1-D"} gradient`;
  }
  return undefined;
}

export interface RunOptions {
  /** Python targets: a 1-D vector argument must give a 1-D gradient. */
  checkVectorShapes?: boolean;
  /** Change the generated code before it runs (to show that the harness catches a wrong one). */
  mutate?: (code: string) => string;
}

export function runCases(cases: readonly CodeCase[], lang: Lang, rt: Runtime, opts: RunOptions = {}): Outcome[] {
  const dir = mkdtempSync(join(tmpdir(), `matdiff-code-${lang}-`));
  const outcomes: Outcome[] = [];
  const prepared: Prepared[] = [];
  cases.forEach((c, i) => {
    const p = prepare(c, lang, i, dir, opts.mutate);
    if ("status" in p) outcomes.push(p);
    else prepared.push(p);
  });
  const manifest = join(dir, "manifest.json");
  // Octave reads a JSON list of equal-sized matrices as one 3-D array: its arguments go by field
  const args = (p: Prepared) => (lang === "octave" ? Object.fromEntries(p.args.map((a, k) => [`a${k}`, a])) : p.args);
  writeFileSync(manifest, JSON.stringify(prepared.map((p) => ({ file: p.file, fn: p.fn, args: args(p) }))));
  const results = prepared.length > 0 ? (rt.run!(dir, manifest) as Array<{ ok: boolean; outputs?: unknown[]; error?: string }>) : [];
  prepared.forEach((p, i) => {
    const r = results[i]!;
    if (!r.ok) {
      outcomes.push({ id: p.c.id, status: "failed", detail: `the ${lang} code raised: ${r.error}`, code: p.code });
      return;
    }
    const problem = compare(p, r.outputs!) ?? (opts.checkVectorShapes ? vectorShapeProblem(p, r.outputs!) : undefined);
    outcomes.push(problem ? { id: p.c.id, status: "failed", detail: problem, code: p.code } : { id: p.c.id, status: "ok" });
  });
  return outcomes;
}
