// `npm run bench`: engine speed on the example problems. For each, the median time to answer every
// query, against a baseline measured in the same run: the median time to parse and resolve the
// same problem. Speed is reported here, never asserted in tests.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { answerAll, problemFromText } from "../engine.js";

const RUNS = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".matdiff")).sort();
console.log(`matdiff bench: median of ${RUNS} runs per problem (ms)`);
console.log(`${"problem".padEnd(28)} ${"parse+resolve".padStart(14)} ${"answer".padStart(10)} ${"ratio".padStart(8)}`);
for (const file of files) {
  const text = readFileSync(`${dir}${file}`, "utf8");
  const parse: number[] = [];
  const answer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    parse.push(time(() => problemFromText(text, file)));
    answer.push(
      time(() => {
        const p = problemFromText(text, file);
        if (p.ok) answerAll(p.value);
      }),
    );
  }
  const [p, a] = [median(parse), median(answer)];
  console.log(`${file.padEnd(28)} ${p.toFixed(3).padStart(14)} ${a.toFixed(3).padStart(10)} ${(a / p).toFixed(1).padStart(7)}×`);
}
