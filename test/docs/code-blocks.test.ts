// Every code block of the README and of docs/ is run, and what it shows is what the program does.
//
// A block is one of:
// - a transcript (no language tag): lines `$ command` (continued by a trailing `\`) and the output
//   that follows each; `matdiff` and `npx matdiff` run the built CLI. An output line that starts
//   with `...` (or `# ...`) stands for any number of lines; `...` inside a line for any text;
// - `js`: a library example, run as an ES module from the repository root; each `// prints X`
//   line is a line of its output;
// - `matdiff`: a problem file, run with `matdiff run`, which must answer every query;
// - `sh`: the set-up commands, which .ci/run must run as written;
// - `text`: a synopsis of the command line (usage lines with placeholders), compared with nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = join(ROOT, "dist/matdiff.cjs");

interface Block {
  file: string;
  line: number;
  lang: string;
  lines: string[];
}

function blocksOf(file: string): Block[] {
  const out: Block[] = [];
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ file, line: start + 1, lang: open[1]!, lines: body });
  }
  return out;
}

const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** A directory holding a `matdiff` executable that runs the built CLI, for the transcripts' PATH. */
function binDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "matdiff-docs-"));
  writeFileSync(join(dir, "matdiff"), `#!/bin/sh\nexec node ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(dir, "matdiff"), 0o755);
  return dir;
}

interface Step {
  command: string;
  expected: string[];
}

function transcript(lines: readonly string[]): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith("$ ")) {
      steps[steps.length - 1]?.expected.push(l);
      continue;
    }
    let command = l.slice(2);
    while (command.endsWith("\\") && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    steps.push({ command: command.replace(/\bnpx matdiff\b/g, "matdiff"), expected: [] });
  }
  return steps;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Do the output lines match the expected ones, with `...` lines and `...` inside lines as wildcards? */
function matches(actual: readonly string[], expected: readonly string[]): boolean {
  const isGap = (e: string) => /^\s*(#\s*)?\.\.\./.test(e);
  const lineMatches = (a: string, e: string) =>
    e.includes("...") ? new RegExp(`^${e.trimEnd().split("...").map(escape).join(".*")}$`).test(a.trimEnd()) : a.trimEnd() === e.trimEnd();
  const go = (i: number, j: number): boolean => {
    if (j === expected.length) return i === actual.length;
    const e = expected[j]!;
    if (isGap(e)) {
      for (let k = i; k <= actual.length; k++) if (go(k, j + 1)) return true;
      return false;
    }
    return i < actual.length && lineMatches(actual[i]!, e) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

describe("the documentation's code blocks run as shown", () => {
  const bin = binDir();
  const env = { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` };
  for (const file of DOCS) {
    for (const block of blocksOf(file)) {
      it(`${file}:${block.line} (${block.lang || "transcript"})`, () => {
        switch (block.lang) {
          case "": {
            const steps = transcript(block.lines);
            expect(steps.length, "a block with no language must be a transcript of `$ ` commands").toBeGreaterThan(0);
            expect(block.lines[0]!.startsWith("$ "), "a transcript starts with a command").toBe(true);
            for (const step of steps) {
              const r = spawnSync("bash", ["-c", `${step.command} 2>&1`], { cwd: ROOT, env, encoding: "utf8" });
              const actual = r.stdout.replace(/\n$/, "").split("\n");
              const expected = step.expected.length === 0 ? [] : step.expected;
              expect(matches(actual, expected), `$ ${step.command}\n--- shown:\n${expected.join("\n")}\n--- printed:\n${actual.join("\n")}`).toBe(true);
            }
            return;
          }
          case "js": {
            const code = block.lines.join("\n").replace('"./dist/index.js"', JSON.stringify(join(ROOT, "dist/index.js")));
            const file = join(mkdtempSync(join(tmpdir(), "matdiff-docs-")), "example.mjs");
            writeFileSync(file, code);
            const out = execFileSync("node", [file], { cwd: ROOT, encoding: "utf8" });
            const prints = block.lines.map((l) => /\/\/ prints (.*)$/.exec(l)?.[1]).filter((p): p is string => p !== undefined);
            expect(prints.length).toBeGreaterThan(0);
            expect(out.trimEnd().split("\n")).toEqual(prints);
            return;
          }
          case "matdiff": {
            const file = join(mkdtempSync(join(tmpdir(), "matdiff-docs-")), "problem.matdiff");
            writeFileSync(file, block.lines.join("\n"));
            const r = spawnSync("node", [CLI, "run", file], { encoding: "utf8" });
            expect(r.status, r.stderr).toBe(0);
            expect(r.stdout).toMatch(/^∂/m);
            return;
          }
          case "sh": {
            const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");
            for (const l of block.lines) {
              const command = l.replace(/#.*$/, "").trim();
              if (command === "npm install") expect(ci).toMatch(/npm (ci|install)/);
              else if (command !== "") expect(ci, `.ci/run runs ${command}`).toContain(command);
            }
            return;
          }
          case "text":
            expect(block.lines.every((l) => l.trim() === "" || /^\s*matdiff\b|^\s{2,}\S/.test(l)), "a text block is a command synopsis").toBe(true);
            return;
          default:
            expect.fail(`unknown block language '${block.lang}'`);
        }
      }, 60_000);
    }
  }
});
