// `npm run bench:code`: matdiff's generated NumPy code against (a) the same formulas with explicit
// inverses and left-to-right products (the matrixcalculus.org export style) and (b) PyTorch
// autograd, at n = 500, 1000, 2000 with single-threaded BLAS; medians and ratios from one run.
// Then the distribution of the flop ratio value+gradient / value over the shared corpus.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { answerQuery, expandDefinitions, problemFromParts } from "../engine.js";
import { generateCode } from "../codegen/index.js";
import type { Problem, QueryInfo } from "../parse/resolve.js";
import { naivePython } from "./naive-python.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface BenchProblem {
  name: string;
  decls: string;
  defs?: string[];
  expr: string;
  wrt: string[];
  sizes: (n: number) => Record<string, number>;
  hessian?: boolean;
}

const PROBLEMS: BenchProblem[] = [
  {
    name: "GPLVM (seed 002), D = 10, Q = 2",
    decls: "Y : matrix(N,D); Z : matrix(N,Q); beta : positive",
    defs: ["K = Z*Z' + 1/beta*I"],
    expr: "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')",
    wrt: ["Z"],
    sizes: (n) => ({ N: n, D: 10, Q: 2 }),
  },
  {
    name: "GP inputs, 3-D (seed 000)",
    decls: "X : matrix(N, 3); y : vector(N); l : positive; s2 : positive; sn : positive",
    defs: ["D2 = diag(X*X')*ones(N)' + ones(N)*diag(X*X')' - 2*X*X'", "K = s2*exp(-D2/(2*l^2)) + sn*I"],
    expr: "-1/2*y'*inv(K)*y - 1/2*logdet(K)",
    wrt: ["X"],
    sizes: (n) => ({ N: n }),
  },
  {
    name: "Gaussian NLL wrt m, S (seed 001)",
    decls: "y : vector(n); m : vector(n); S : spd(n)",
    expr: "1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)",
    wrt: ["m", "S"],
    sizes: (n) => ({ n }),
  },
  {
    name: "Gaussian KL wrt S0 (corpus ml_gauss_kl_S0)",
    decls: "m0 : vector(n); m1 : vector(n); S0 : spd(n); S1 : spd(n)",
    expr: "1/2*(tr(inv(S0)*S1) + (m0-m1)'*inv(S0)*(m0-m1) - n + logdet(S0) - logdet(S1))",
    wrt: ["S0"],
    sizes: (n) => ({ n }),
  },
  {
    name: "logistic regression Hessian, d = 100 (corpus hess_logistic_pm1)",
    decls: "X : matrix(N,d); w : vector(d); y : vector(N)",
    expr: "sum(log(1 + exp(-y.*(X*w))))",
    wrt: ["w"],
    sizes: (n) => ({ N: n, d: 100 }),
    hessian: true,
  },
];

const SIZES = [500, 1000, 2000];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function problemOf(p: BenchProblem): { problem: Problem; query: QueryInfo } {
  const r = problemFromParts({
    decls: [{ text: p.decls, source: "decls" }],
    defs: (p.defs ?? []).map((text) => ({ text, source: "defs" })),
    query: "grad",
    expr: { text: p.expr, source: "expr" },
    wrt: p.wrt,
  });
  if (!r.ok) throw new Error(r.error.message);
  return { problem: r.value, query: r.value.queries[0]! };
}

/** The baseline module: value_and_grad (NumPy, naive) and torch_value (PyTorch, the value only). */
function baseline(problem: Problem, query: QueryInfo, hessian: boolean): string {
  const a = answerQuery(problem, query);
  if (!a.ok) throw new Error(a.error.message);
  const h = hessian ? answerQuery(problem, { ...query, kind: "hessian" }) : undefined;
  const params = [...problem.vars.keys()];
  const dimLines = () => {
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const v of problem.vars.values()) {
      v.shape.forEach((d, i) => {
        if (typeof d === "string" && !seen.has(d)) {
          seen.add(d);
          lines.push(`    ${d} = ${v.name}.shape[${i}]`);
        }
      });
    }
    return lines;
  };
  const dims = (d: string | number) => String(d);
  const defs = (mod: "np" | "torch") => problem.defs.map((d) => `    ${d.name} = ${naivePython(d.body, mod, dims)}`);
  const results = a.value.results.map((r) => naivePython(expandDefinitions(r.value, a.value.definitions), "np", dims));
  const hess = h && h.ok ? h.value.results.map((r) => naivePython(expandDefinitions(r.value, h.value.definitions), "np", dims)) : [];
  return [
    "import numpy as np",
    "try:\n    import torch\nexcept ImportError:\n    torch = None",
    "",
    `def value_and_grad(${params.join(", ")}):`,
    ...dimLines(),
    ...defs("np"),
    `    return (${naivePython(query.expr, "np", dims)}).reshape(()), ${[...results, ...hess].join(", ")}`,
    "",
    `def torch_value(${params.join(", ")}):`,
    ...dimLines(),
    ...defs("torch"),
    `    return (${naivePython(query.expr, "torch", dims)}).reshape(())`,
    "",
  ].join("\n");
}

function pythonWith(modules: string): string | undefined {
  return ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", `import ${modules}`], { stdio: "ignore" }).status === 0);
}

function main(): void {
  const python = pythonWith("numpy, scipy, torch") ?? pythonWith("numpy, scipy");
  if (!python) {
    console.log("bench:code needs python3 with numpy and scipy (and torch for the autograd column)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "matdiff-bench-code-"));
  const cases: unknown[] = [];
  for (const p of PROBLEMS) {
    const { problem, query } = problemOf(p);
    const naivePath = join(dir, `${cases.length}-naive.py`);
    writeFileSync(naivePath, baseline(problem, query, p.hessian ?? false));
    for (const n of SIZES) {
      const sizes = p.sizes(n);
      const g = generateCode(problem, query, { lang: "numpy", sizes: new Map(Object.entries(sizes)), hessian: p.hessian ?? false });
      if (!g.ok) throw new Error(g.error.message);
      const mine = join(dir, `${cases.length}-matdiff.py`);
      writeFileSync(mine, g.value.code);
      const size = (d: string | number) => (typeof d === "number" ? d : sizes[d]!);
      cases.push({
        case: p.name,
        n,
        matdiff: mine,
        naive: naivePath,
        runs: n >= 2000 ? 3 : 5,
        hessian: p.hessian ?? false,
        wrt_index: p.wrt.map((w) => [...problem.vars.keys()].indexOf(w)),
        args: [...problem.vars.values()].map((v) => ({ kind: v.typeKind, shape: [size(v.shape[0]), size(v.shape[1])] })),
      });
    }
  }
  const manifest = join(dir, "manifest.json");
  writeFileSync(manifest, JSON.stringify(cases));
  const r = spawnSync(python, [join(root, "bench", "code_bench.py"), manifest], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.log(r.stderr);
    return;
  }
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string | boolean | null>);
  console.log(`Generated code (NumPy), single-threaded BLAS, ${python}; medians in ms; ratios = baseline / matdiff`);
  console.log("| problem | n | matdiff | explicit inverses, left to right | ratio | PyTorch autograd | ratio |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const fmt = (x: unknown) => (typeof x === "number" ? x.toFixed(1) : "–");
  for (const row of rows) {
    const m = row["matdiff_ms"] as number;
    const naive = row["naive_ms"] as number;
    const t = row["torch_ms"] as number | undefined;
    const agree = row["naive_agrees"] ? "" : row["naive_finite"] ? " (values differ!)" : " (its log(det) overflows: inf)";
    console.log(`| ${row["case"]} | ${row["n"]} | ${fmt(m)} | ${fmt(naive)}${agree} | ${(naive / m).toFixed(1)}× | ${fmt(t)} | ${t ? `${(t / m).toFixed(1)}×` : "–"} |`);
  }
  flopDistribution();
}

function flopDistribution(): void {
  let entries: Array<{ id: string; decls: Record<string, string>; defs?: string[]; expr: string; wrt: string | string[] }>;
  try {
    entries = JSON.parse(readFileSync(join(root, "..", "shared", "corpus", "gradients.json"), "utf8"));
  } catch {
    return;
  }
  const ratios: number[] = [];
  let higher = 0;
  for (const e of entries) {
    const p = problemFromParts({
      decls: Object.entries(e.decls).map(([n, t]) => ({ text: `${n} : ${t}`, source: "decls" })),
      defs: (e.defs ?? []).map((text) => ({ text, source: "defs" })),
      query: "grad",
      expr: { text: e.expr, source: "expr" },
      wrt: typeof e.wrt === "string" ? [e.wrt] : e.wrt,
    });
    if (!p.ok) continue;
    const g = generateCode(p.value, p.value.queries[0]!, { lang: "numpy" });
    if (!g.ok) continue;
    ratios.push(g.value.flops.ratio);
    if (g.value.flops.higherPower) higher++;
  }
  const s = [...ratios].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
  console.log(
    `\nFlops, value+gradient / value over ${ratios.length} corpus problems (every size 1000): median ${median(ratios).toFixed(2)}, ` +
      `p90 ${q(0.9).toFixed(2)}, max ${s[s.length - 1]!.toFixed(1)}; ≤ 3× on ${ratios.filter((r) => r <= 3).length} ` +
      `(${((100 * ratios.filter((r) => r <= 3).length) / ratios.length).toFixed(0)}%); a higher power of a size than the value's: ${higher}`,
  );
}

main();
