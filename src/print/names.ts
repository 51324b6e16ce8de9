// How names appear in each output form. Names are user text: plain and unicode print them as
// typed (the lexer only admits letters, digits and _); LaTeX maps Greek letters to commands and
// escapes everything else, so no name can inject markup.

const GREEK: Record<string, string> = {
  α: "alpha", β: "beta", γ: "gamma", δ: "delta", ε: "epsilon", ζ: "zeta", η: "eta", θ: "theta",
  ι: "iota", κ: "kappa", λ: "lambda", μ: "mu", ν: "nu", ξ: "xi", π: "pi", ρ: "rho", σ: "sigma",
  τ: "tau", υ: "upsilon", φ: "phi", χ: "chi", ψ: "psi", ω: "omega",
  Γ: "Gamma", Δ: "Delta", Θ: "Theta", Λ: "Lambda", Ξ: "Xi", Π: "Pi", Σ: "Sigma", Υ: "Upsilon",
  Φ: "Phi", Ψ: "Psi", Ω: "Omega",
};
const GREEK_WORDS = new Set(Object.values(GREEK));

function latexBase(base: string): string {
  if (base.length === 1 && GREEK[base]) return `\\${GREEK[base]}`;
  if (GREEK_WORDS.has(base)) return `\\${base}`;
  if (/^[A-Za-z]$/.test(base)) return base;
  const safe = [...base]
    .map((c) => (GREEK[c] ? `\\${GREEK[c]} ` : /[A-Za-z0-9]/.test(c) ? c : `\\text{${c.replace(/[\\{}$&#^_%~]/g, "")}}`))
    .join("")
    .trim();
  return `\\mathrm{${safe}}`;
}

/** sigma_n -> \sigma_{n}; W1 -> W_{1}; Sigma -> \Sigma; logit -> \mathrm{logit}. */
export function latexName(name: string): string {
  const under = name.indexOf("_");
  if (under > 0 && under < name.length - 1) {
    return `${latexBase(name.slice(0, under))}_{${latexName(name.slice(under + 1))}}`;
  }
  const m = /^(.*?[^\d])(\d+)$/.exec(name);
  if (m) return `${latexBase(m[1]!)}_{${m[2]}}`;
  return latexBase(name.replace(/_/g, ""));
}

const SUPERSCRIPTS: Record<string, string> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
};

export function superscript(text: string): string | undefined {
  let out = "";
  for (const c of text) {
    const s = SUPERSCRIPTS[c];
    if (!s) return undefined;
    out += s;
  }
  return out;
}

const VULGAR: Record<string, string> = {
  "1/2": "½", "1/3": "⅓", "2/3": "⅔", "1/4": "¼", "3/4": "¾", "1/5": "⅕", "1/6": "⅙", "1/8": "⅛",
};

export function vulgarFraction(num: number, den: number): string | undefined {
  return VULGAR[`${num}/${den}`];
}
