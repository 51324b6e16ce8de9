// `npm run bench`: speed, always as medians and ratios against baselines measured in the same run
// (the machine is noisy; a lone absolute time means little). Speed is reported here, never
// asserted in tests.
//
//   1. engine time per problem, in process, warm: every example and corpus problem
//   2. cold processes (CPU time, alternating runs): matdiff --version, grad, grad --check,
//      against `node -e 0` and `python3 -c "import sympy"` (when python3 with sympy is there)
//   3. scaling: engine time for growing families, with the fitted log-log slope
//   4. fresh `matdiff batch` processes over the corpus, per line, with and without --check,
//      against SymPy's cold `diff` on the same problems (bench/sympy_bench.py), per problem

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { answerAll, problemFromParts, problemFromText, type QueryOptions } from "../engine.js";
import type { Result } from "../diagnostics/diagnostic.js";
import type { Problem } from "../parse/resolve.js";
import { releaseNodes } from "../expr/expr.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/**
 * Median engine time (parse, resolve, answer every query) over repeated runs, after warm-up. Each
 * run starts from an empty node table, as a new problem (a batch line, a CLI call) does: a rerun
 * that found its nodes already interned would time a cache, not the engine.
 */
function engineMs(make: () => Result<Problem>, runs: number, opts: QueryOptions = {}): number {
  const once = () => {
    const p = make();
    if (p.ok) answerAll(p.value, opts);
    releaseNodes();
  };
  for (let i = 0; i < 3; i++) once();
  return median(Array.from({ length: runs }, () => time(once)));
}

// ---------------------------------------------------------------- 1. engine, per problem

interface CorpusCase {
  id: string;
  kind: string;
  decls: Record<string, string>;
  defs?: string[];
  expr: string;
  wrt: string | string[];
}

function problems(): Array<{ name: string; make: () => Result<Problem> }> {
  const out: Array<{ name: string; make: () => Result<Problem> }> = [];
  const dir = `${root}examples/`;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".matdiff")).sort()) {
    const text = readFileSync(`${dir}${file}`, "utf8");
    out.push({ name: file, make: () => problemFromText(text, file) });
  }
  const corpus = `${root}../shared/corpus/gradients.json`;
  if (existsSync(corpus)) {
    for (const c of JSON.parse(readFileSync(corpus, "utf8")) as CorpusCase[]) {
      out.push({
        name: c.id,
        make: () =>
          problemFromParts({
            decls: Object.entries(c.decls).map(([n, t]) => ({ text: `${n} : ${t}`, source: n })),
            defs: (c.defs ?? []).map((text) => ({ text, source: "def" })),
            query: c.kind === "hessian" ? "hessian" : "grad",
            expr: { text: c.expr, source: "expr" },
            wrt: typeof c.wrt === "string" ? [c.wrt] : c.wrt,
          }),
      });
    }
  }
  return out;
}

function enginePerProblem(): void {
  const all = problems();
  const ms = all.map((p) => ({ name: p.name, ms: engineMs(p.make, 15) }));
  const xs = ms.map((m) => m.ms);
  const slowest = [...ms].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(`\n1. engine, warm, in process: ${all.length} problems (examples and ../shared/corpus)`);
  console.log(`   median ${median(xs).toFixed(3)} ms, p90 ${quantile(xs, 0.9).toFixed(3)} ms, max ${Math.max(...xs).toFixed(3)} ms`);
  console.log(`   slowest: ${slowest.map((s) => `${s.name} ${s.ms.toFixed(2)} ms`).join(", ")}`);
  const extra = all.map((p, i) => engineMs(p.make, 5, { check: true }) - ms[i]!.ms);
  console.log(`   --check adds median ${median(extra).toFixed(3)} ms, p90 ${quantile(extra, 0.9).toFixed(3)} ms, max ${Math.max(...extra).toFixed(3)} ms`);
}

// ---------------------------------------------------------------- 2. cold processes

/** CPU seconds (user + system) of one child process, read with the shell's `times`. */
function cpuOf(command: string): number | undefined {
  const r = spawnSync("sh", ["-c", `${command} >/dev/null 2>&1; times`], { encoding: "utf8" });
  const lines = r.stdout.trim().split("\n");
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? "");
  if (!m) return undefined;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

function coldProcesses(): void {
  const bin = `node ${root}dist/matdiff.cjs`;
  const gplvm = `${root}examples/gplvm.matdiff`;
  const hasSympy = spawnSync("python3", ["-c", "import sympy"]).status === 0;
  const commands: Array<[string, string]> = [
    ["node -e 0", "node -e 0"],
    ["matdiff --version", `${bin} --version`],
    ["matdiff grad (GPLVM)", `${bin} run ${gplvm}`],
    ["matdiff grad --check (GPLVM)", `${bin} run ${gplvm} --check`],
    ...(hasSympy ? ([["python3 -c 'import sympy'", "python3 -c 'import sympy'"]] as Array<[string, string]>) : []),
  ];
  const RUNS = 9;
  const samples = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, cmd] of commands) {
      const t = cpuOf(cmd);
      if (t !== undefined) samples.get(name)!.push(t);
    }
  }
  const med = new Map([...samples].map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const node = med.get("node -e 0")!;
  const sympy = med.get("python3 -c 'import sympy'");
  console.log(`\n2. cold processes: median CPU (user + system) of ${RUNS} alternating runs`);
  console.log(`   ${"command".padEnd(30)} ${"CPU s".padStart(7)} ${"× node -e 0".padStart(12)} ${hasSympy ? "× less than import sympy".padStart(25) : ""}`);
  for (const [name] of commands) {
    const t = med.get(name)!;
    const vsSympy = sympy !== undefined && name.startsWith("matdiff") ? `${(sympy / t).toFixed(1)}×`.padStart(25) : "";
    console.log(`   ${name.padEnd(30)} ${t.toFixed(3).padStart(7)} ${`${(t / node).toFixed(2)}×`.padStart(12)} ${vsSympy}`);
  }
  if (!hasSympy) console.log("   (python3 with sympy not found: no SymPy baseline)");
}

// ---------------------------------------------------------------- 3. scaling

/** Growing problems, each with the k that gives about 10, 100, 1,000 and 10,000 input nodes. */
const FAMILIES: Record<string, { ks: number[]; make: (k: number) => string }> = {
  "sum of traces": {
    ks: [2, 25, 250, 2500],
    make: (k) => {
      const d = ["X : matrix(n,n)"];
      const t: string[] = [];
      for (let i = 1; i <= k; i++) {
        d.push(`A${i} : matrix(n,n)`);
        t.push(`tr(A${i}*X)`);
      }
      return `${d.join("\n")}\ngrad ${t.join(" + ")} wrt X`;
    },
  },
  // x'·A₁A₂···A_k·x; past 100 factors the matrices repeat (A₁…A₁₀₀ A₁…), so that 10,000 factors
  // stay inside the input limit (10,000 declarations alone would not)
  "long product": {
    ks: [6, 96, 996, 9996],
    make: (k) => {
      const m = Math.min(k, 100);
      const d = ["x : vector(n)"];
      for (let i = 1; i <= m; i++) d.push(`A${i} : matrix(n,n)`);
      const t = Array.from({ length: k }, (_, i) => `A${(i % m) + 1}`);
      return `${d.join("\n")}\ngrad x'*${t.join("*")}*x wrt x`;
    },
  },
  "chain of definitions": {
    ks: [3, 33, 333, 3333],
    make: (k) => {
      const d = ["X : matrix(n,n)"];
      for (let i = 1; i <= k; i++) d.push(`A${i} : matrix(n,n)`);
      d.push("K1 = A1*X");
      for (let i = 2; i <= k; i++) d.push(`K${i} = K${i - 1}*A${i}`);
      return `${d.join("\n")}\ngrad tr(K${k}) wrt X`;
    },
  },
};

/** Least-squares slope of log(time) against log(size). */
function slope(points: Array<[number, number]>): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
}

function scaling(): void {
  console.log("\n3. scaling: engine time (parse to answer, median) against input size in nodes");
  for (const [name, { ks, make }] of Object.entries(FAMILIES)) {
    const points: Array<[number, number]> = [];
    const cells: string[] = [];
    for (const k of ks) {
      const text = make(k);
      const p = problemFromText(text);
      if (!p.ok) {
        cells.push(`k=${k}: ${p.error.kind} error (${p.error.message})`);
        continue;
      }
      const nodes = p.value.queries[0]!.expr.size + p.value.defs.reduce((s, d) => s + d.body.size, 0);
      releaseNodes();
      const ms = engineMs(() => problemFromText(text), 5);
      points.push([nodes, ms]);
      cells.push(`${nodes} nodes ${ms.toFixed(1)} ms`);
    }
    console.log(`   ${name.padEnd(22)} ${cells.join(" | ")}   slope ${slope(points).toFixed(2)}`);
  }
}

// ---------------------------------------------------------------- 4. batch lines and SymPy

/** Fresh `matdiff batch` processes per measurement; each line's time is its median over them. */
const BATCH_PROCESSES = 5;

/**
 * Per-line engine time (ms, as the batch reports it) in a fresh `matdiff batch` process: the
 * median over BATCH_PROCESSES such processes, each starting cold. One process alone reports the
 * machine's hiccups (a preempted line takes 10 ms once and 1 ms the next time) as the engine's.
 */
function batchLineMs(lines: string[]): Map<string, number> {
  const file = join(mkdtempSync(join(tmpdir(), "matdiff-bench-")), "corpus.jsonl");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const runs = new Map<string, number[]>();
  for (let k = 0; k < BATCH_PROCESSES; k++) {
    const r = spawnSync("node", [`${root}dist/matdiff.cjs`, "batch", file], { encoding: "utf8", maxBuffer: 64 << 20 });
    for (const line of r.stdout.trim().split("\n")) {
      const o = JSON.parse(line) as { id: string; ok: boolean; ms?: number };
      if (o.ok && o.ms !== undefined) runs.set(o.id, [...(runs.get(o.id) ?? []), o.ms]);
    }
  }
  const out = new Map<string, number>();
  for (const [id, ms] of runs) if (ms.length === BATCH_PROCESSES) out.set(id, median(ms));
  return out;
}

interface SympyResult {
  answered: boolean;
  ms?: number;
  why?: string;
}

function againstSympy(): void {
  const corpusFile = `${root}../shared/corpus/gradients.json`;
  if (!existsSync(corpusFile)) return void console.log("\n4. (../shared/corpus not found: no batch or SymPy comparison)");
  const cases = JSON.parse(readFileSync(corpusFile, "utf8")) as Array<CorpusCase & { defs?: string[] }>;
  const lines = cases.map((c) =>
    JSON.stringify({ id: c.id, decls: c.decls, ...(c.defs ? { defs: c.defs } : {}), query: c.kind === "hessian" ? "hessian" : "grad", expr: c.expr, wrt: c.wrt }),
  );
  const plain = batchLineMs(lines);
  const checked = batchLineMs(lines.map((l) => l.replace(/}$/, ',"check":true}')));
  const xs = [...plain.values()];
  const extra = [...checked].filter(([id]) => plain.has(id)).map(([id, ms]) => ms - plain.get(id)!);
  console.log(`\n4. fresh \`matdiff batch\` processes over the ${cases.length} corpus problems (ms per line, parse to JSON; each line's median over ${BATCH_PROCESSES} processes)`);
  console.log(`   answer          median ${median(xs).toFixed(2)} ms, p90 ${quantile(xs, 0.9).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`);
  const slowest = [...plain].sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`   slowest lines   ${slowest.map(([id, ms]) => `${id} ${ms.toFixed(2)} ms`).join(", ")}`);
  console.log(`   --check adds    median ${median(extra).toFixed(2)} ms, p90 ${quantile(extra, 0.9).toFixed(2)} ms, max ${Math.max(...extra).toFixed(2)} ms`);
  const py = spawnSync("python3", [`${root}bench/sympy_bench.py`, corpusFile], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (py.status !== 0) return void console.log(`   (SymPy comparison not run: ${py.stderr.trim().split("\n").pop() ?? "python3 with sympy and numpy needed"})`);
  const sympy = JSON.parse(py.stdout) as { sympy: string; results: Record<string, SympyResult> };
  const both = Object.entries(sympy.results).filter(([id, r]) => r.answered && plain.has(id));
  const ratios = both.map(([id, r]) => r.ms! / plain.get(id)!);
  const sympyMs = both.map(([, r]) => r.ms!);
  const reasons = new Map<string, number>();
  for (const r of Object.values(sympy.results)) {
    if (r.answered) continue;
    const why = (r.why ?? "").replace(/[:(].*/, "").trim();
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  console.log(`   SymPy ${sympy.sympy}, cold diff (cache cleared), answers ${both.length} of ${cases.length} correctly; on those:`);
  console.log(`   SymPy median ${median(sympyMs).toFixed(1)} ms; SymPy / matdiff per problem: median ${median(ratios).toFixed(1)}×, p10 ${quantile(ratios, 0.1).toFixed(1)}×`);
  console.log(`   SymPy's other answers: ${[...reasons].map(([k, v]) => `${v} ${k}`).join(", ")}`);
}

console.log(`matdiff bench (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.platform}/${process.arch})`);
enginePerProblem();
coldProcesses();
scaling();
againstSympy();
