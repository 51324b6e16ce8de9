#!/usr/bin/env node
// The matdiff executable: binds the CLI to the real process. Nothing a user types reaches a stack
// trace: user errors are rendered by runCli; anything else is reported as a bug, in one line.

import { readFileSync } from "node:fs";
import { runCli, type CliIO } from "./program.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const io: CliIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readFile: (p) => readFileSync(p, "utf8"),
  readStdin,
};

// A reader that closes the pipe early (matdiff ... | head) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
});

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error[internal]: a bug in matdiff: ${message}\n`);
    if (process.env["MATDIFF_DEBUG"] && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  },
);
