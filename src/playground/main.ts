// The playground: the engine of the CLI, bundled for the browser (scripts/build-playground.js), with
// a problem editor, rendered answers, the derivation, the numerical check, code in every target,
// and the problem kept in the URL. Nothing is fetched after the page loads.
//
// User text is only ever set as text (textContent, value); the one innerHTML is KaTeX's output for
// LaTeX that the engine printed (names escaped by the LaTeX printer).

import katex from "katex";
import { answerQuery, problemFromText, type QueryAnswer } from "../engine.js";
import type { Problem, QueryInfo } from "../parse/resolve.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { answerToJson, answerToText, checkToText } from "../cli/format.js";
import { stepsToLatex } from "../cli/steps-format.js";
import { describeRule } from "../calculus/steps.js";
import { generateCode, LANGS, type Lang } from "../codegen/index.js";
import { withTimeBudget } from "../budget.js";
import { EXAMPLES } from "./examples.js";

declare const MATDIFF_VERSION: string;

const LANG_LABELS: Record<Lang, string> = { numpy: "NumPy", torch: "PyTorch", jax: "JAX", octave: "Octave", ts: "TypeScript" };
const STORAGE_KEY = "matdiff.problem";
/** A query that runs longer than this stops with a `limit` error instead of freezing the page. */
const QUERY_BUDGET_MS = 5000;
const DEBOUNCE_MS = 30;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: #${id} missing`);
  return el as T;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function renderMath(latex: string, display = true): HTMLElement {
  const box = el("div", { class: "math" });
  // KaTeX escapes what it renders; the engine's LaTeX printer escapes names
  box.innerHTML = katex.renderToString(latex, { displayMode: display, throwOnError: false, output: "htmlAndMathml" });
  return box;
}

// ---------------------------------------------------------------- copying

async function copyText(text: string, button: HTMLButtonElement): Promise<void> {
  const label = button.textContent ?? "";
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // no clipboard permission (a file:// page in some browsers): select the text for Ctrl+C
    const area = el("textarea", { "aria-label": "copy this text" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    button.textContent = ok ? "Copied" : "Copy failed";
  }
  setTimeout(() => (button.textContent = label), 1500);
}

function copyButton(label: string, text: () => string, extraClass = ""): HTMLButtonElement {
  const b = el("button", { type: "button", class: extraClass, text: label });
  b.addEventListener("click", () => void copyText(text(), b));
  return b;
}

// ---------------------------------------------------------------- one query

function answerOnce(problem: Problem, query: QueryInfo, opts: { check?: boolean; steps?: boolean } = {}) {
  return withTimeBudget(QUERY_BUDGET_MS, () => answerQuery(problem, query, opts));
}

function errorBlock(d: Diagnostic): HTMLElement {
  return el("pre", { class: "error", role: "alert", text: renderDiagnostic(d) });
}

function queryTitle(q: QueryInfo): string {
  return `${q.kind} ${q.text} wrt ${q.wrt.map((v) => v.name).join(", ")}`;
}

function answerBlock(a: QueryAnswer): HTMLElement {
  const box = el("div", { class: "answer", "data-plain": answerToText(a, "plain"), "data-unicode": answerToText(a, "unicode") });
  for (const line of answerToText(a, "latex").split("\n")) box.append(renderMath(line));
  return box;
}

function shapeLine(a: QueryAnswer): HTMLElement {
  const shapes = a.results.map((r) => `${r.component ? `${r.wrt.name}_${r.component}` : r.wrt.name}: ${r.value.shape[0]} × ${r.value.shape[1]}`);
  return el("p", { class: "meta", text: `shape ${shapes.join(", ")} · answered in ${a.ms.toFixed(1)} ms` });
}

function stepsSection(problem: Problem, query: QueryInfo): HTMLElement {
  const details = el("details", { class: "steps" }, el("summary", { text: "Derivation, step by step" }));
  const body = el("div", { class: "steps-body" });
  details.append(body);
  details.addEventListener("toggle", () => {
    if (!details.open || body.childElementCount > 0) return;
    const a = answerOnce(problem, query, { steps: true });
    if (!a.ok) return void body.append(errorBlock(a.error));
    const rules = new Set<string>();
    for (const r of a.value.results) {
      if (!r.steps) continue;
      // unnumbered, with the identities' names small: the page is narrow where a paper is not
      const latex = stepsToLatex(r.steps).replace(/\{align\}/g, "{align*}").replace(/&& \\text\{/g, "&& \\scriptsize\\text{");
      body.append(renderMath(latex));
      for (const s of r.steps) for (const id of s.rules) rules.add(id);
    }
    const legend = el("ul", { class: "legend", "aria-label": "identities used" });
    for (const id of rules) {
      const r = describeRule(id);
      legend.append(el("li", { text: `${r.id}: ${r.statement}${r.cite ? ` (${r.cite})` : ""}` }));
    }
    body.append(legend);
  });
  return details;
}

function checkSection(problem: Problem, query: QueryInfo): HTMLElement {
  const out = el("output", { "aria-live": "polite" });
  const button = el("button", { type: "button", text: "Check numerically" });
  button.addEventListener("click", () => {
    out.textContent = "checking…";
    out.className = "";
    // let the browser paint "checking…" before the check takes the thread
    setTimeout(() => {
      const a = answerOnce(problem, query, { check: true });
      if (!a.ok) {
        out.textContent = renderDiagnostic(a.error);
        out.className = "failed";
        return;
      }
      const c = a.value.check!;
      out.textContent = checkToText(c);
      out.className = c.ok ? "passed" : c.inconclusive ? "" : "failed";
    }, 0);
  });
  return el("div", { class: "check" }, button, out);
}

/** Numbers the code sections, so each tab has an id its panel can name. */
let codeSections = 0;

function codeSection(problem: Problem, query: QueryInfo): HTMLElement {
  const box = el("div", { class: "code" });
  const tabs = el("div", { role: "tablist", "aria-label": "code for" });
  const code = el("code");
  const panel = el("pre", { role: "tabpanel", tabindex: "0" }, code);
  const cache = new Map<Lang, string>();
  const codeFor = (lang: Lang): string => {
    let text = cache.get(lang);
    if (text === undefined) {
      const g = withTimeBudget(QUERY_BUDGET_MS, () => generateCode(problem, query, { lang }));
      text = g.ok ? g.value.code : `# ${renderDiagnostic(g.error).split("\n").join("\n# ")}`;
      cache.set(lang, text);
    }
    return text;
  };
  let current: Lang = "numpy";
  const card = ++codeSections;
  const buttons = LANGS.map((lang) => {
    const b = el("button", { type: "button", role: "tab", id: `tab-${lang}-${card}`, "aria-selected": "false", "data-lang": lang, text: LANG_LABELS[lang] });
    b.addEventListener("click", () => select(lang));
    b.addEventListener("keydown", (ev) => {
      const i = LANGS.indexOf(lang);
      if (ev.key === "ArrowRight") select(LANGS[(i + 1) % LANGS.length]!, true);
      if (ev.key === "ArrowLeft") select(LANGS[(i + LANGS.length - 1) % LANGS.length]!, true);
    });
    tabs.append(b);
    return b;
  });
  const select = (lang: Lang, focus = false) => {
    current = lang;
    buttons.forEach((b) => {
      const on = b.dataset["lang"] === lang;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) {
        panel.setAttribute("aria-labelledby", b.id);
        if (focus) b.focus();
      }
    });
    code.textContent = codeFor(lang);
  };
  box.append(el("h4", { class: "visually-hidden", text: "Code" }), tabs, panel, copyButton("Copy code", () => codeFor(current), "copy-code"));
  // code is generated when the section is first seen, not with every keystroke
  let started = false;
  const start = () => {
    if (!started) {
      started = true;
      select("numpy");
    }
  };
  new IntersectionObserver((entries, obs) => {
    if (entries.some((e) => e.isIntersecting)) {
      start();
      obs.disconnect();
    }
  }).observe(box);
  tabs.addEventListener("focusin", start, { once: true });
  return box;
}

function queryCard(problem: Problem, query: QueryInfo): HTMLElement {
  const card = el("article", { class: "query" }, el("h3", {}, el("code", { text: queryTitle(query) })));
  const a = answerOnce(problem, query);
  if (!a.ok) {
    card.append(errorBlock(a.error));
    return card;
  }
  const answer = a.value;
  card.append(answerBlock(answer), shapeLine(answer));
  card.append(
    el(
      "div",
      { class: "actions", role: "group", "aria-label": "copy the answer" },
      copyButton("Copy plain", () => answerToText(answer, "plain")),
      copyButton("Copy LaTeX", () => answerToText(answer, "latex")),
      copyButton("Copy JSON", () => JSON.stringify(answerToJson(answer), null, 2)),
    ),
  );
  card.append(stepsSection(problem, query));
  card.append(checkSection(problem, query));
  if (query.kind === "grad" || query.kind === "hessian") card.append(codeSection(problem, query));
  return card;
}

// ---------------------------------------------------------------- the page

const editor = $<HTMLTextAreaElement>("editor");
const errorBox = $<HTMLPreElement>("error");
const results = $<HTMLElement>("results");
const status = $<HTMLElement>("status");

function run(): void {
  const text = editor.value;
  saveProblem(text);
  const t0 = performance.now();
  const p = withTimeBudget(QUERY_BUDGET_MS, () => problemFromText(text, "problem"));
  if (!p.ok) {
    errorBox.textContent = renderDiagnostic(p.error);
    errorBox.hidden = false;
    results.classList.add("stale");
    status.textContent = "";
    return;
  }
  errorBox.hidden = true;
  results.classList.remove("stale");
  const cards = p.value.queries.map((q) => queryCard(p.value, q));
  results.replaceChildren(...cards);
  if (cards.length === 0) results.append(el("p", { class: "meta", text: "No query yet: add a line such as grad f wrt X." }));
  status.textContent = `${p.value.queries.length} ${p.value.queries.length === 1 ? "query" : "queries"} answered in ${(performance.now() - t0).toFixed(0)} ms`;
}

// the problem lives in the URL fragment (#p=...), so a link reproduces it, and in local storage
function saveProblem(text: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, text);
  } catch {
    // storage may be off (private windows, file:// pages in some browsers): the URL still has it
  }
  history.replaceState(null, "", `#p=${encodeURIComponent(text)}`);
}

function initialProblem(): string {
  const m = /^#p=(.*)$/s.exec(location.hash);
  if (m) {
    try {
      return decodeURIComponent(m[1]!);
    } catch {
      // a damaged link: fall through to the saved or the default problem
    }
  }
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved) return saved;
  } catch {
    // no storage
  }
  return EXAMPLES[0]!.text;
}

function setUp(): void {
  $("version").textContent = MATDIFF_VERSION;
  const select = $<HTMLSelectElement>("example");
  select.append(el("option", { value: "", text: "Choose an example…" }));
  EXAMPLES.forEach((ex, i) => select.append(el("option", { value: String(i), text: ex.title })));
  select.addEventListener("change", () => {
    const ex = EXAMPLES[Number(select.value)];
    if (!ex) return;
    editor.value = ex.text;
    run();
  });
  editor.value = initialProblem();
  let timer: ReturnType<typeof setTimeout> | undefined;
  editor.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  const runNow = () => {
    clearTimeout(timer);
    run();
  };
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      runNow();
    }
  });
  $("run").addEventListener("click", runNow);
  const share = $<HTMLButtonElement>("share");
  share.addEventListener("click", () => void copyText(location.href, share));
  run();
}

setUp();
