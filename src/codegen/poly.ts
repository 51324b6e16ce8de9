// Flop counts as polynomials in the dimension names (N³/3 + 2N²D), so a header can state a cost
// for every size and the chain ordering can compare costs at the sizes the user gives.

import type { Dim } from "../expr/shape.js";

/** Monomial key (dimension names sorted, joined by "*"; "" for a constant) → coefficient. */
export type Poly = ReadonlyMap<string, number>;

export const ZERO_POLY: Poly = new Map();

/** The factors of a core dimension: a number, a name, or a product such as `m*n`. */
function dimFactors(d: Dim): { c: number; names: string[] } {
  if (typeof d === "number") return { c: d, names: [] };
  let c = 1;
  const names: string[] = [];
  for (const part of d.split("*")) {
    if (/^\d+$/.test(part)) c *= Number(part);
    else names.push(part);
  }
  return { c, names };
}

/** coefficient × the product of the given dimensions. */
export function monomial(coefficient: number, ...dims: Dim[]): Poly {
  let c = coefficient;
  const names: string[] = [];
  for (const d of dims) {
    const f = dimFactors(d);
    c *= f.c;
    names.push(...f.names);
  }
  return c === 0 ? ZERO_POLY : new Map([[names.sort().join("*"), c]]);
}

export function addPoly(a: Poly, b: Poly): Poly {
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

/** The value at the given sizes (a name without a size takes `fallback`). */
export function evalPoly(p: Poly, sizes: ReadonlyMap<string, number>, fallback: number): number {
  let total = 0;
  for (const [k, c] of p) {
    let v = c;
    if (k !== "") for (const name of k.split("*")) v *= sizes.get(name) ?? fallback;
    total += v;
  }
  return total;
}

/** Highest total degree (N²D has degree 3). */
export function degree(p: Poly): number {
  let d = 0;
  for (const k of p.keys()) d = Math.max(d, k === "" ? 0 : k.split("*").length);
  return d;
}

/** The highest power of each name in any term: N²D → {N: 2, D: 1}. */
export function maxPowers(p: Poly): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of p.keys()) {
    if (k === "") continue;
    const counts = new Map<string, number>();
    for (const name of k.split("*")) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const [name, n] of counts) out.set(name, Math.max(out.get(name) ?? 0, n));
  }
  return out;
}

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const superscript = (n: number): string => (n === 1 ? "" : [...String(n)].map((d) => SUPERSCRIPTS[Number(d)]).join(""));

function formatCoefficient(c: number): string {
  if (Number.isInteger(c)) return String(c);
  for (const den of [2, 3, 4, 6]) {
    const num = c * den;
    if (Math.abs(num - Math.round(num)) < 1e-9) return `${Math.round(num)}/${den}`;
  }
  return c.toPrecision(3);
}

/** `N³/3 + 2N²D + 4N` (highest degree first, then by name), or `0`. */
export function formatPoly(p: Poly, ascii = false): string {
  const terms = [...p].filter(([, c]) => c !== 0);
  if (terms.length === 0) return "0";
  const keyed = terms.map(([k, c]) => {
    const counts = new Map<string, number>();
    if (k !== "") for (const name of k.split("*")) counts.set(name, (counts.get(name) ?? 0) + 1);
    const names = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const body = names.map(([name, n]) => (ascii ? (n === 1 ? name : `${name}^${n}`) : `${name}${superscript(n)}`)).join(ascii ? "*" : "");
    return { deg: k === "" ? 0 : k.split("*").length, k, c, body };
  });
  keyed.sort((a, b) => b.deg - a.deg || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed
    .map(({ c, body }, i) => {
      const sign = c < 0 ? "- " : i === 0 ? "" : "+ ";
      const a = Math.abs(c);
      const coef = formatCoefficient(a);
      let text: string;
      if (body === "") text = coef;
      else if (coef === "1") text = body;
      else if (coef.includes("/")) {
        const [n, d] = coef.split("/");
        text = `${n === "1" ? "" : n}${ascii && n !== "1" ? "*" : ""}${body}/${d}`;
      } else text = `${coef}${ascii ? "*" : ""}${body}`;
      return `${sign}${text}`;
    })
    .join(" ");
}
