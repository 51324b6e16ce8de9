#!/usr/bin/env node
// The matdiff executable: binds the CLI to the real process. Nothing a user types reaches a stack
// trace: user errors are rendered by runCli; anything else is reported as a bug, in one line.

import { readFileSync, writeSync } from "node:fs";
import { runCli, type CliIO } from "./program.js";

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of s to fd 1 or 2, synchronously. process.stdout would load Node's streams, about
 * 3 ms of every cold start, for output that a command writes in a few pieces anyway.
 */
function writeAll(fd: number, s: string): void {
  let buf = Buffer.from(s, "utf8");
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a non-blocking pipe that is full: wait a moment for the reader
      if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 1);
      // a reader that closes the pipe early (matdiff ... | head) is not an error
      else if (code === "EPIPE") process.exit(0);
      else throw e;
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const io: CliIO = {
  stdout: (s) => writeAll(1, s),
  stderr: (s) => writeAll(2, s),
  readFile: (p) => readFileSync(p, "utf8"),
  readStdin,
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    writeAll(2, `error[internal]: a bug in matdiff: ${message}\n`);
    if (process.env["MATDIFF_DEBUG"] && e instanceof Error) writeAll(2, `${e.stack}\n`);
    process.exitCode = 2;
  },
);
