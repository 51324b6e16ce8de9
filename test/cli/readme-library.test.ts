// The README's library example runs as written, from the repository root, and prints what the
// README says it prints.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url);

describe("README: as a library", () => {
  it("the example runs and prints the documented answer", () => {
    const readme = readFileSync(new URL("README.md", ROOT), "utf8");
    const block = /## As a library[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const expected = /\/\/ prints (.*)/.exec(block!)?.[1];
    // run it from the repository root, where its relative import points
    const dir = mkdtempSync(join(tmpdir(), "matdiff-readme-"));
    const file = `${dir}/example.mjs`;
    writeFileSync(file, block!.replace('"./dist/index.js"', JSON.stringify(new URL("dist/index.js", ROOT).pathname)));
    const out = execFileSync("node", [file], { encoding: "utf8", cwd: new URL(".", ROOT).pathname });
    expect(out.trim()).toBe(expected);
  });
});
