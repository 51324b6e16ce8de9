// The playground in a real browser: Debian's Chromium driven by playwright-core. The built page
// (dist/playground, made by `npm install`) is served from localhost, and opened from disk too.
// Without Chromium the tests say NOT RUN loudly; in CI (MATDIFF_REQUIRE_RUNTIMES=1) that fails.
// Screenshots go to test-output/playground/ (ignored by git), to be looked at.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
// @ts-expect-error: a plain ES module script without type declarations
import { servePlayground } from "../../scripts/serve-playground.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-output/playground");
const REQUIRED = process.env["MATDIFF_REQUIRE_RUNTIMES"] === "1";
const available = existsSync(CHROMIUM);
if (!available) console.warn(`!!! playground browser tests: NOT RUN (${CHROMIUM} missing; Debian: apt-get install chromium)`);

const GPLVM = readFileSync(join(ROOT, "examples/gplvm.matdiff"), "utf8");

function cli(...args: string[]): string {
  const r = spawnSync("node", [join(ROOT, "dist/matdiff.cjs"), ...args], { encoding: "utf8" });
  return r.stdout + r.stderr;
}

describe("the playground's size", () => {
  it("its JavaScript is below 400 KB gzipped", () => {
    const js = readFileSync(join(ROOT, "dist/playground/app.js"));
    expect(gzipSync(js).length).toBeLessThan(400 * 1024);
  });
});

describe.runIf(available || REQUIRED)("the playground in Chromium", () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  const requests: string[] = [];

  beforeAll(async () => {
    expect(available, `${CHROMIUM} is required here (MATDIFF_REQUIRE_RUNTIMES=1)`).toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    server = await servePlayground(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width = 1280, height = 900, url = server.url): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector("article.query .answer .katex");
    expect(errors).toEqual([]);
    return page;
  }

  async function typeProblem(page: Page, text: string): Promise<void> {
    await page.locator("#editor").fill("");
    await page.locator("#editor").pressSequentially(text.replace(/\n$/, ""), { delay: 0 });
    await page.keyboard.press("Control+Enter");
  }

  it("typing the GPLVM problem renders the CLI's answer, the steps, the check and the NumPy code", async () => {
    const page = await open();
    await typeProblem(page, GPLVM);
    const answer = page.locator("article.query .answer").first();
    await expect.poll(() => answer.getAttribute("data-unicode")).toBe("∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z");
    // the same text the CLI prints for this problem file
    expect(cli("run", join(ROOT, "examples/gplvm.matdiff"))).toContain("∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z");
    expect(await answer.locator(".katex").count()).toBeGreaterThan(0);

    await page.locator("details.steps summary").first().click();
    await page.waitForSelector("details.steps[open] .steps-body .katex");
    expect(await page.locator("details.steps .legend li").allTextContents()).toContain("d-logdet: d log|X| = tr(X⁻¹ dX) (Matrix Cookbook (2012) eq. (57))");

    await page.locator(".check button").first().click();
    const verdict = page.locator(".check output").first();
    await expect.poll(() => verdict.textContent(), { timeout: 20_000 }).toMatch(/^check: passed: agrees with finite differences at 3 random points .*max relative error/);
    expect(await verdict.getAttribute("class")).toBe("passed");

    await page.locator('[role="tab"][data-lang="numpy"]').first().click();
    const code = page.locator(".code pre code").first();
    await expect.poll(() => code.textContent()).toContain("def value_and_grad(Y, Z, beta):");
    await page.locator(".code .copy-code").first().click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await code.textContent());
    // the code `matdiff run FILE --code numpy` writes for the same problem (which numbers its one query)
    expect(copied.trimEnd()).toBe(cli("run", join(ROOT, "examples/gplvm.matdiff"), "--code", "numpy").trimEnd().replace("value_and_grad_1(", "value_and_grad("));

    await page.locator('[role="tab"][data-lang="torch"]').first().click();
    await expect.poll(() => code.textContent()).toContain("import torch");
    await page.screenshot({ path: join(SHOTS, "desktop.png"), fullPage: true });
  }, 60_000);

  it("a broken problem shows the CLI's error with its caret, and the fix brings the answer back", async () => {
    const page = await open();
    await typeProblem(page, "x : vector(n); A : matrix(n,n)\ngrad x'*A* wrt x");
    const error = page.locator("#error");
    await expect.poll(() => error.isVisible()).toBe(true);
    const text = (await error.textContent()) ?? "";
    // what the CLI says about the same text, caret and all (only the input's name differs)
    const file = join(SHOTS, "broken.matdiff");
    writeFileSync(file, "x : vector(n); A : matrix(n,n)\ngrad x'*A* wrt x");
    expect(text).toBe(cli("run", file).trimEnd().replace(file, "problem"));
    expect(text).toContain("line 2, column 12\n  |\n2 | grad x'*A* wrt x\n  |            ^^^");
    await page.locator("#editor").press("End");
    await typeProblem(page, "x : vector(n); A : matrix(n,n)\ngrad x'*A*x wrt x");
    await expect.poll(() => error.isVisible()).toBe(false);
    await expect.poll(() => page.locator("article.query .answer").first().getAttribute("data-unicode")).toBe("∂f/∂x = (A + Aᵀ)x");
  }, 60_000);

  it("the problem is kept in the URL: reloading the link gives the same problem and answer", async () => {
    const page = await open();
    const problem = "x : vector(n); S : spd(n)\ngrad logdet(S) + x'*inv(S)*x wrt S";
    await typeProblem(page, problem);
    await expect.poll(() => page.url()).toContain("#p=");
    const link = page.url();
    const other = await open(1280, 900, link);
    expect(await other.locator("#editor").inputValue()).toBe(problem);
    await expect.poll(() => other.locator("article.query .answer").first().getAttribute("data-unicode")).toBe("∂f/∂S = S⁻¹ − S⁻¹xxᵀS⁻¹");
  }, 60_000);

  it("the example menu loads each example and every one answers", async () => {
    const page = await open();
    const options = await page.locator("#example option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ""));
    expect(options.length).toBeGreaterThanOrEqual(8);
    for (const v of options) {
      await page.selectOption("#example", v);
      await page.waitForSelector("article.query");
      expect(await page.locator("#error").isVisible()).toBe(false);
      expect(await page.locator("article.query pre.error").count(), `example ${v}`).toBe(0);
    }
  }, 60_000);

  it("keyboard only: the controls are labelled and reachable, Ctrl+Enter runs", async () => {
    const page = await open();
    for (const id of ["example", "editor"]) expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
    await page.locator("#editor").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("x : vector(n)\ngrad x'*x wrt x");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("article.query .answer").first().getAttribute("data-unicode")).toBe("∂f/∂x = 2x");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    expect(["BUTTON", "SUMMARY", "SELECT"]).toContain(focused);
  }, 60_000);

  it("at 375 px the page fits the width (no sideways scrolling of the page)", async () => {
    const page = await open(375, 800);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "narrow.png"), fullPage: true });
  }, 60_000);

  it("opened from disk (file://) it works with no server", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`file://${join(ROOT, "dist/playground/index.html")}`);
    await page.waitForSelector("article.query .answer .katex");
    expect(errors).toEqual([]);
    expect(await page.locator("article.query .answer").first().getAttribute("data-unicode")).toBe("∂f/∂Z = (K⁻¹YYᵀK⁻¹ − D K⁻¹)Z");
  }, 60_000);

  it("made no request outside the page's own files", () => {
    expect(requests.length).toBeGreaterThan(0);
    const outside = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:") && !u.startsWith("file://"));
    expect(outside).toEqual([]);
  });
});
