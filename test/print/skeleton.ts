// The skeleton of a printed expression: the names it mentions, in order, and its numbers (other
// than 0 and 1, as a sorted list). Unicode and LaTeX are the plain form's tree printed another
// way, so all three must have the same skeleton: a printer that drops or invents a factor, a
// name or a coefficient shows up here even when the plain form reads back correctly.

import type { FormName } from "../../src/print/index.js";
import { latexName } from "../../src/print/names.js";
import { DIMENSION_FUNCTIONS, FUNCTIONS } from "../../src/parse/functions.js";

/** Every function name a printer writes before a parenthesis. */
const FUNCTION_NAMES = new Set([...FUNCTIONS.keys(), ...DIMENSION_FUNCTIONS, "partial", "d", "diag"]);

export interface Skeleton {
  names: string[];
  numbers: string[];
}

const NAME = /(?:(?!ᵀ)[\p{L}_])(?:(?!ᵀ)[\p{L}\p{Nd}_])*/u;
const NUMBER = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/u;

const VULGAR: Record<string, string> = { "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅙": "1/6", "⅛": "1/8" };
const SUPER: Record<string, string> = { "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-" };

function keepNumber(t: string, out: string[]): void {
  const v = Math.abs(Number(t));
  if (v !== 0 && v !== 1) out.push(String(v));
}

/** Split a word into known names, longest prefix first (unicode juxtaposes single glyphs: YYᵀ). */
function splitWord(word: string, names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > 0) {
    let hit = "";
    for (let k = rest.length; k > 0; k--) {
      if (names.has(rest.slice(0, k))) {
        hit = rest.slice(0, k);
        break;
      }
    }
    if (!hit && out.length === 0 && rest.startsWith("d") && rest.length > 1) {
      rest = rest.slice(1); // unicode dX: the differential of X
      continue;
    }
    if (!hit) return out; // I, or a component index: not a name of the problem
    out.push(hit);
    rest = rest.slice(hit.length);
  }
  return out;
}

export function skeleton(text: string, form: FormName, known: readonly string[]): Skeleton {
  const names = new Set(known);
  const out: Skeleton = { names: [], numbers: [] };
  let t = text;
  if (form === "latex") {
    // 𝟏ₙ and the commutation matrix K_{m,n} (plain: ones(n), commutation(m, n)) name no variable
    t = t.replace(/\\mathbf\{1\}_\{[^}]*\}/g, " ").replace(/\\mathbf\{K\}/g, " ").replace(/\\operatorname\{[^}]*\}/g, " ").replace(/\\mathrm\{d\}/g, " ");
    // multi-character names are written \mathrm{...}, W_{1}, \Sigma: replace them by the name first
    const longest = [...names].map((n) => [latexName(n), n] as const).filter(([l]) => l.length > 1).sort((a, b) => b[0].length - a[0].length);
    const slots: string[] = [];
    for (const [l, n] of longest) {
      t = t.split(l).join(` \u0001${slots.length}\u0001 `);
      slots.push(n);
    }
    const re = /\u0001(\d+)\u0001|\\[A-Za-z]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z]|[\s\S]/gu;
    for (const m of t.matchAll(re)) {
      if (m[1] !== undefined) out.names.push(slots[Number(m[1])]!);
      else if (/^\d/.test(m[0])) keepNumber(m[0], out.numbers);
      else if (/^[A-Za-z]$/.test(m[0]) && names.has(m[0])) out.names.push(m[0]);
    }
  } else {
    if (form === "unicode") {
      t = [...t].map((c) => (VULGAR[c] ? ` ${VULGAR[c]} ` : c)).join("");
      t = t.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+/g, (s) => ` ${[...s].map((c) => SUPER[c]).join("")} `);
      t = t.replace(/𝟏/gu, " "); // 𝟏, the ones of plain's ones(n), juxtaposes with names (C𝟏xᵀ)
    }
    t = t.replace(/\b(?:ones|zeros|eye)\([^)]*\)/g, " ");
    const re = new RegExp(`(${NUMBER.source})|(${NAME.source})|[\\s\\S]`, "gu");
    for (const m of t.matchAll(re)) {
      if (m[1] !== undefined) keepNumber(m[1], out.numbers);
      else if (m[2] !== undefined) {
        const next = t[m.index! + m[2].length];
        if (next === "(" && m[2] === "d") continue; // plain d(X): the name inside counts
        // a function: tr(, log| (in unicode a single-letter name may meet a parenthesis: B(A + tB))
        if ((next === "(" && FUNCTION_NAMES.has(m[2])) || (next === "|" && m[2] === "log")) continue;
        out.names.push(...splitWord(m[2], names));
      }
    }
  }
  out.numbers.sort();
  return out;
}
