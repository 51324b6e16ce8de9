// Exact numeric coefficients. Users write 1/2, 0.5 or 1e-3; answers print 1/2, not 0.5000000001.
// Numerator and denominator are safe integers; when an operation would leave that range the value
// degrades to a float (den = 1, num not an integer), which still prints and evaluates correctly.

export interface Rational {
  readonly num: number;
  readonly den: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/**
 * A coefficient left the range of numbers matdiff can print faithfully (it would have become
 * Infinity, NaN or a silent 0): reported to the user as a `limit` error.
 */
export class CoefficientOverflow extends Error {}

export function rat(num: number, den = 1): Rational {
  if (den === 0) throw new RangeError("division by zero in a numeric coefficient");
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    // beyond exact integers the value is kept as a float, as long as it is a faithful one
    const v = num / den;
    if (!Number.isFinite(v)) throw new CoefficientOverflow(`a numeric coefficient overflows (${num} / ${den})`);
    if (v === 0 && num !== 0) throw new CoefficientOverflow(`a numeric coefficient underflows to 0 (${num} / ${den})`);
    return { num: v, den: 1 };
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

export const ZERO = rat(0);
export const ONE = rat(1);
export const MINUS_ONE = rat(-1);

export const isExact = (r: Rational): boolean => Number.isInteger(r.num);
export const isZero = (r: Rational): boolean => r.num === 0;
export const isOne = (r: Rational): boolean => r.num === 1 && r.den === 1;
export const isInteger = (r: Rational): boolean => r.den === 1 && Number.isInteger(r.num);
export const toNumber = (r: Rational): number => r.num / r.den;
export const isNegative = (r: Rational): boolean => r.num < 0;

export function add(a: Rational, b: Rational): Rational {
  return rat(a.num * b.den + b.num * a.den, a.den * b.den);
}
export function mul(a: Rational, b: Rational): Rational {
  const num = a.num * b.num;
  const den = a.den * b.den;
  // the product of two floats can reach 0 or Infinity before rat() sees a ratio
  if ((num === 0 && a.num !== 0 && b.num !== 0) || !Number.isFinite(num) || !Number.isFinite(den)) {
    throw new CoefficientOverflow(`a numeric coefficient is out of range (${format(a)} × ${format(b)})`);
  }
  return rat(num, den);
}
export function neg(a: Rational): Rational {
  return rat(-a.num, a.den);
}
export function inv(a: Rational): Rational {
  return rat(a.den, a.num);
}
export function equal(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}
export function compare(a: Rational, b: Rational): number {
  return toNumber(a) - toNumber(b);
}

/** Integer power; exact while it fits. */
export function pow(a: Rational, k: number): Rational {
  if (k < 0) return pow(inv(a), -k);
  let r = ONE;
  for (let i = 0; i < k; i++) r = mul(r, a);
  return r;
}

/** Parse a decimal literal (`2`, `0.5`, `1e-3`, `.25`) exactly when possible. */
export function parseDecimal(text: string): Rational {
  // a literal out of range stays as read (Infinity, 0): the resolver refuses it with its position
  const asFloat = (): Rational => ({ num: Number(text), den: 1 });
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return asFloat();
  const intPart = m[1] ?? "";
  const frac = m[2] ?? "";
  const exp = Number(m[3] ?? "0") - frac.length;
  const digits = Number((intPart + frac) || "0");
  if (!Number.isSafeInteger(digits) || Math.abs(exp) > 15) return Number.isSafeInteger(Number(text)) ? rat(Number(text)) : asFloat();
  return exp >= 0 ? rat(digits * 10 ** exp) : rat(digits, 10 ** -exp);
}

/** Plain text: `3`, `1/2`, `-2/3`, or a float. */
export function format(r: Rational): string {
  if (r.den === 1) return formatFloat(r.num);
  return `${r.num}/${r.den}`;
}

function formatFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  // Shortest round-trip representation; exponent form is valid input syntax too.
  return String(x);
}
