// Runs the CLI in-process with captured output, for the CLI tests.
import { readFileSync } from "node:fs";
import { runCli } from "../../src/cli/program.js";

export async function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readFile: (p) => readFileSync(p, "utf8"),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}
