// The command line, over the problems in examples/: output, exit codes, carets, batch contract.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";
import { separateExpression } from "../../src/cli/program.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const example = (name: string) => `${ROOT}examples/${name}`;


const GPLVM_ARGS = [
  "grad",
  "-D/2*logdet(K) - 1/2*tr(inv(K)*Y*Y')",
  "--wrt",
  "Z",
  "-d",
  "Y : matrix(N,D); Z : matrix(N,Q); beta : scalar",
  "--let",
  "K = Z*Z' + 1/beta*I",
];

describe("matdiff grad", () => {
  it("answers the GPLVM seed in unicode, written with K, and an expression starting with '-' works", async () => {
    const r = await cli(GPLVM_ARGS);
    expect(r).toEqual({ code: 0, stdout: "∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z\n", stderr: "" });
  });

  it("prints plain, latex and json forms", async () => {
    expect((await cli([...GPLVM_ARGS, "--format", "plain"])).stdout).toBe("(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z\n");
    expect((await cli([...GPLVM_ARGS, "-f", "latex"])).stdout).toBe(
      "\\frac{\\partial f}{\\partial Z} = \\left(K^{-1} Y Y^\\top K^{-1} - D K^{-1}\\right) Z\n",
    );
    const json = JSON.parse((await cli([...GPLVM_ARGS, "--format", "json"])).stdout);
    expect(json.results[0]).toMatchObject({ wrt: "Z", shape: ["N", "Q"], plain: "(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z" });
  });

  it("--inline substitutes the definitions", async () => {
    const r = await cli([...GPLVM_ARGS, "--format", "plain", "--inline"]);
    expect(r.stdout).not.toContain("K");
    expect(r.stdout).toContain("inv(Z*Z' + 1/beta*eye(N))");
  });

  it("--check verifies numerically and exits 0", async () => {
    const r = await cli([...GPLVM_ARGS, "--check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check: passed: agrees with finite differences at 3 random points/);
  });

  it("takes several --wrt and comma lists", async () => {
    const r = await cli(["grad", "1/2*logdet(S) + 1/2*(y-m)'*inv(S)*(y-m)", "--wrt", "m,S", "-d", "y : vector(n); m : vector(n); S : spd(n)"]);
    expect(r.stdout).toBe("∂f/∂m = −S⁻¹(y − m)\n∂f/∂S = ½(S⁻¹ − S⁻¹(y − m)(y − m)ᵀS⁻¹)\n");
  });

  it("exits 2 with line, column, caret and what was expected on a syntax error", async () => {
    const r = await cli(["grad", "x'*A*", "--wrt", "x", "-d", "x : vector(n); A : matrix(n,n)"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      ["error[syntax]: unexpected end of input", " --> EXPR, line 1, column 6", "  |", "1 | x'*A*", "  |      ^", "expected an expression", ""].join("\n"),
    );
  });

  it("exits 2 on a shape clash, naming shapes, with a caret in the -d text it came from", async () => {
    const r = await cli(["grad", "sum(A*x)", "--wrt", "x", "-d", "x : vector(n); A : matrix(n,m)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot multiply A \(n×m\) by x \(n×1\)/);
    const bad = await cli(["grad", "x'*x", "--wrt", "x", "-d", "x : vectr(n)"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--> -d \(1\), line 1, column 5/);
  });

  it("exits 2 with 'unsupported' for a construct it cannot write in closed form", async () => {
    const r = await cli(["grad", "a'*X^k*a", "--wrt", "X", "-d", "X : matrix(n,n); k : integer; a : vector(n)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[unsupported\]: the differential of a matrix power X\^k with a symbolic k is a sum of k terms/);
  });

  it("answers hessian, jacobian and differential queries with their own labels", async () => {
    expect((await cli(["hessian", "x'*A*x", "--wrt", "x", "-d", "x : vector(n); A : matrix(n,n)"])).stdout).toBe("H_x = A + Aᵀ\n");
    expect((await cli(["jacobian", "A*x", "--wrt", "x", "-d", "x : vector(n); A : matrix(m,n)"])).stdout).toBe("J_x = A\n");
    expect((await cli(["differential", "inv(X)", "--wrt", "X", "-d", "X : matrix(n,n)"])).stdout).toBe("df = −X⁻¹dX X⁻¹\n");
  });

  it("exits 2 for an unknown option, with help", async () => {
    const r = await cli(["grad", "x'*x", "--wrt", "x", "--nope"]);
    expect(r.code).toBe(2);
  });

  it("moves an expression that starts with '-' behind '--'", () => {
    expect(separateExpression(["-x", "--wrt", "x", "-d", "x : scalar"])).toEqual(["--wrt", "x", "-d", "x : scalar", "--", "-x"]);
  });
});

describe("matdiff run", () => {
  it("answers every query of the GPLVM example", async () => {
    const r = await cli(["run", example("gplvm.matdiff"), "--check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z");
    expect(r.stdout).toMatch(/check: passed/);
  });

  it("answers the Gaussian NLL example with the symmetric gradient", async () => {
    const r = await cli(["run", example("gaussian-nll.matdiff"), "--format", "plain"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("m: -inv(S)*(y - m)");
    expect(r.stdout).toContain("S: 1/2*(inv(S) - inv(S)*(y - m)*(y - m)'*inv(S))");
  });

  it("exits 2 for a missing file", async () => {
    expect((await cli(["run", example("nope.matdiff")])).code).toBe(2);
  });
});

describe("engine definitions", () => {
  it("names a repeated subexpression and shows it as 'where C = ...'", async () => {
    const r = await cli(["run", example("gp-inputs-3d.matdiff")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("∂f/∂X = s2/l² (C − diag(C𝟏))X\n  where C = exp(−1/(2l²) D2) ⊙ (K⁻¹yyᵀK⁻¹ − K⁻¹)");
  });

  it("lists them under 'definitions' in batch, in order, as [name, plain]", async () => {
    const line = JSON.stringify({
      id: "gp",
      decls: { X: "matrix(N,d)", y: "vector(N)", l: "scalar", s2: "scalar", sn: "scalar" },
      defs: ["D2 = diag(X*X')*ones(N)' + ones(N)*diag(X*X')' - 2*X*X'", "K = s2*exp(-D2/(2*l^2)) + sn*I"],
      expr: "-1/2*y'*inv(K)*y - 1/2*logdet(K)",
      wrt: "X",
    });
    const out = JSON.parse((await cli(["batch"], line)).stdout);
    expect(out.results[0].plain).toBe("s2/l^2*(C - diag(C*ones(N)))*X");
    expect(out.definitions).toEqual([["C", "exp(-1/(2*l^2)*D2).*(inv(K)*y*y'*inv(K) - inv(K))"]]);
  });

  it("--inline writes no engine names", async () => {
    const r = await cli(["run", example("gp-inputs-1d.matdiff"), "--inline", "--format", "plain"]);
    const answerLines = r.stdout.split("\n").filter((l) => !l.startsWith("#") && l !== "");
    expect(answerLines.length).toBeGreaterThan(0);
    for (const l of answerLines) {
      expect(l).not.toMatch(/^C = /);
      expect(l).not.toMatch(/\bK\b/);
    }
  });
});

describe("matdiff batch", () => {
  it("answers each line in order with its id; a bad line gets an error line and the batch goes on", async () => {
    const input = readFileSync(example("queries.jsonl"), "utf8") + "not json\n[1,2]\n{\"id\":7}\n";
    // (queries.jsonl has one line per query kind after the first three; see the next test)
    const r = await cli(["batch"], input);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["gplvm", "nll", "bad", "jac", "hess", "diff", null, null, 7]);
    expect(lines.map((l) => l.ok)).toEqual([true, true, false, true, true, true, false, false, false]);
    expect(lines.slice(3, 6).map((l) => l.results[0].plain)).toEqual(["A", "A + A'", "-inv(X)*d(X)*inv(X)"]);
    expect(lines[3].results[0].shape).toEqual(["m", "n"]);
    expect(lines[0].results[0].plain).toBe("(inv(K)*Y*Y'*inv(K) - D*inv(K))*Z");
    expect(lines[0].definitions).toEqual([]);
    expect(typeof lines[0].ms).toBe("number");
    expect(lines[1].results.map((x: { wrt: string }) => x.wrt)).toEqual(["m", "S"]);
    expect(lines[2].error).toMatchObject({ kind: "syntax", line: 1, column: 6 });
    expect(lines[8].error.message).toMatch(/"expr" must be a string/);
  });

  it("keeps dangerous names as plain data", async () => {
    const line = JSON.stringify({ id: "p", decls: { __proto__x: "scalar", constructor: "vector(n)" }, expr: "constructor'*constructor", wrt: "constructor" });
    const r = await cli(["batch"], `${line}\n`);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.results[0].plain).toBe("2*constructor");
  });
});

describe("the installed executable", () => {
  // the bundled single-file CLI, as package.json's bin names it
  const bin = `${ROOT}dist/matdiff.cjs`;

  it("runs from package.json's bin with --help and --version", () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));
    expect(pkg.bin.matdiff).toBe("dist/matdiff.cjs");
    expect(execFileSync("node", [bin, "--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
    const help = execFileSync("node", [bin, "--help"], { encoding: "utf8" });
    expect(help).toMatch(/Examples:/);
    expect(help).toMatch(/grad/);
  });

  it("exits 2 without a stack trace on bad input", () => {
    const r = spawnSync("node", [bin, "grad", "x'*A*", "--wrt", "x", "-d", "x : vector(n); A : matrix(n,n)"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\^/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("is executable directly (the shebang), as npx runs it", () => {
    const r = spawnSync(bin, ["grad", "x'*x", "--wrt", "x", "-d", "x : vector(n)"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("∂f/∂x = 2x");
  });

  it("a cold grad, with --check too, loads neither child_process, perf_hooks nor streams (milliseconds of every start)", () => {
    // the list of Node's built-in modules this process loaded, written as it exits
    const probe = `process.on("exit", () => require("node:fs").writeSync(2, "loaded:" + process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).join(",")));`;
    for (const extra of [[], ["--check"]]) {
      const r = spawnSync("node", ["-e", `${probe} process.argv.splice(1, 0, ${JSON.stringify(bin)}); require(${JSON.stringify(bin)});`, "grad", "x'*x", "--wrt", "x", "-d", "x : vector(n)", ...extra], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/2x/);
      const loaded = r.stderr.slice(r.stderr.indexOf("loaded:") + 7).split(",");
      expect(loaded.length).toBeGreaterThan(10); // the probe saw the real list
      expect(loaded.filter((m) => /child_process|perf_hooks|^NativeModule stream$/.test(m))).toEqual([]);
    }
  });

  it("writes all of a long output to a slow reader, and stops quietly when the reader closes early", () => {
    const lines = readFileSync(example("queries.jsonl"), "utf8").trim().split("\n");
    const file = join(mkdtempSync(join(tmpdir(), "matdiff-pipe-")), "many.jsonl");
    writeFileSync(file, `${Array.from({ length: 200 }, () => lines.join("\n")).join("\n")}\n`);
    const slow = spawnSync("bash", ["-c", `node ${bin} batch ${file} | (sleep 1; wc -l)`], { encoding: "utf8" });
    expect(slow.stdout.trim()).toBe(String(200 * lines.length));
    const early = spawnSync("bash", ["-c", `node ${bin} batch ${file} | head -c 100 > /dev/null; echo "exit \${PIPESTATUS[0]}"`], { encoding: "utf8" });
    expect(early.stdout.trim()).toBe("exit 0");
    expect(early.stderr).toBe("");
  });

  it("reads batch lines from stdin", () => {
    const r = spawnSync("node", [bin, "batch"], { input: readFileSync(example("queries.jsonl"), "utf8"), encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(6);
  });

  it("answers a batch with the same bytes as the CLI in process (the launcher tunes V8 for batches only)", async () => {
    const input = readFileSync(example("queries.jsonl"), "utf8");
    const lines = input.trim().split("\n").map((l) => l.replace(/}$/, ',"check":true}'));
    const untimed = (out: string) => out.replace(/"ms":[0-9.]+/g, "");
    const launched = spawnSync("node", [bin, "batch"], { input: `${lines.join("\n")}\n`, encoding: "utf8" });
    expect(launched.stderr).toBe("");
    const inProcess = await cli(["batch"], `${lines.join("\n")}\n`);
    expect(untimed(launched.stdout)).toBe(untimed(inProcess.stdout));
    expect(launched.stdout).toMatch(/"check":\{"ok":true/);
  });
});

describe("option mistakes are usage errors", () => {
  it("a mistyped option is named, with a suggestion, not 'too many arguments'", async () => {
    const r = await cli(["grad", "x'*x", "--wrtt", "x", "-d", "x : vector(n)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--wrtt'/);
    expect(r.stderr).toMatch(/Did you mean --wrt\?/);
  });

  it("--points abc is refused as a bad option value, not blamed on the domain", async () => {
    const r = await cli(["grad", "x'*x", "--wrt", "x", "-d", "x : vector(n)", "--check", "--points", "abc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option '--points <n>' argument 'abc' is invalid\. it must be a whole number/);
    for (const [opt, bad] of [["--seed", "-1"], ["--time-limit", "0"]] as const) {
      expect((await cli(["grad", "x'*x", "--wrt", "x", "-d", "x : vector(n)", opt, bad])).code).toBe(2);
    }
  });

  it("an expression that starts with -- is still an expression", async () => {
    const r = await cli(["grad", "--x", "--wrt", "x", "-d", "x : scalar", "--format", "plain"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("1");
  });
});

describe("run goes on after a bad query", () => {
  it("answers the good queries, reports each bad one with its caret, and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-run-"));
    const file = join(dir, "p.matdiff");
    writeFileSync(file, "x : vector(n); A : matrix(n,n)\ngrad x'*A*x wrt x\ngrad x'*B*x wrt x\ngrad sum(A) wrt A\ngrad tr(x) wrt x\n");
    const r = await cli(["run", file, "--format", "plain"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("(A + A')*x");
    expect(r.stdout).toContain("ones(n, n)");
    expect(r.stderr).toMatch(/unknown name 'B'[\s\S]*line 3, column 9/);
    expect(r.stderr).toMatch(/tr needs a square matrix/);
  });
});
