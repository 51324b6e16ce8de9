// Safety and determinism: names reserved in JavaScript, Python or LaTeX are plain data in every
// output form; the same input gives the same bytes in separate processes.
import katex from "katex";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { printExpr } from "../../src/print/index.js";
import { answers, expectNumericallyRight, problem } from "../helpers.js";

const RESERVED = ["constructor", "__proto__", "prototype", "toString", "hasOwnProperty", "lambda", "class", "def", "None", "import", "frac", "begin", "end", "left", "mathrm", "_"];

describe("reserved names", () => {
  for (const name of RESERVED) {
    it(`'${name}' works as a variable and prints safely`, () => {
      const text = `${name} : matrix(n, n); b : vector(n)\ngrad b'*${name}*b + tr(${name}*${name}') wrt ${name}`;
      const [a] = expectNumericallyRight(text);
      const G = a!.results[0]!.value;
      const plain = printExpr(G, "plain");
      expect(problem(`${name} : matrix(n, n); b : vector(n)\nroundtrip__ = ${plain}`).defsByName.get("roundtrip__")!.body).toBe(G);
      expect(printExpr(G, "unicode")).toContain(name);
      expect(() => katex.renderToString(printExpr(G, "latex"), { throwOnError: true })).not.toThrow();
    });
  }

  it("does not touch Object.prototype", () => {
    answers("__proto__ : scalar; constructor : vector(n)\ngrad __proto__*constructor'*constructor wrt __proto__, constructor");
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe("determinism", () => {
  it("the same problem gives byte-identical output in separate processes", () => {
    const bin = fileURLToPath(new URL("../../dist/matdiff.cjs", import.meta.url));
    const example = fileURLToPath(new URL("../../examples/gp-inputs-3d.matdiff", import.meta.url));
    const runs = [0, 1, 2].map(() => spawnSync("node", [bin, "run", example, "--check", "--format", "plain"], { encoding: "utf8" }));
    for (const r of runs) expect(r.status).toBe(0);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
  });
});
