// The web edition in a real browser: node axe.mjs BASE_URL PAGE... [--shots DIR] [--widths W,W]
//
// Debian's chromium (headless, driven by playwright-core) visits every page at 1280, 768 and
// 375 px wide (or --widths) and checks: axe-core's WCAG 2.1 A and AA rules; the requests (any
// failed, any outside BASE_URL); sideways overflow; the fonts loaded; a visible focus outline
// on the first stops of the Tab key. It also reports what the stylesheet draws of the
// meetings: month labels meant for the PDFs' page breaks shown on screen, network marks shown
// without a visible shape, and how wide a meeting's title runs beside its date and network. Prints one JSON report on stdout; exit code 0 when every
// page passes, 1 when one does not, 2 on a usage or start-up error.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_VERSION = require("axe-core/package.json").version;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let WIDTHS = [1280, 768, 375];
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// without the background-networking flags chromium's own connections are refused here
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const argv = process.argv.slice(2);
const shotsAt = argv.indexOf("--shots");
const shots = shotsAt >= 0 ? argv.splice(shotsAt, 2)[1] : null;
const widthsAt = argv.indexOf("--widths");
if (widthsAt >= 0) WIDTHS = argv.splice(widthsAt, 2)[1].split(",").map(Number);
const [base, ...pages] = argv;
if (!base || pages.length === 0) {
  console.error("usage: node axe.mjs BASE_URL PAGE... [--shots DIR] [--widths W,W]");
  process.exit(2);
}
if (shots) mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
const report = { axe: AXE_VERSION, tags: TAGS, results: [] };
try {
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    for (const path of pages) {
      report.results.push(await visit(context, path, width));
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 1));
process.exit(report.results.every((r) => r.passed) ? 0 : 1);

async function visit(context, path, width) {
  const page = await context.newPage();
  const failed = [], outside = [], errors = [], requested = [];
  let axeRunning = false;    // axe-core fetches the stylesheets again: not the page's requests
  page.on("request", (request) => {
    const url = request.url();
    if (axeRunning && url.startsWith(base)) return;
    if (url.startsWith(base)) requested.push(url.slice(base.length));
    else if (!url.startsWith("data:")) outside.push(url);
  });
  page.on("requestfailed", (request) => {
    if (!axeRunning) failed.push(`${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) failed.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  // nothing leaves the machine: a request outside BASE_URL is recorded above, then refused
  // (not for a file:// BASE_URL: request interception breaks loading local files)
  if (base.startsWith("http")) {
    await page.route((url) => !url.href.startsWith(base) && url.protocol !== "data:",
      (route) => route.abort("blockedbyclient"));
  }
  await page.goto(base + path, { waitUntil: "networkidle" });
  await page.evaluate(() => document.fonts.ready);
  const layout = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    fonts: [...document.fonts].filter((f) => f.status === "loaded")
      .map((f) => `${f.family} ${f.weight}`),
    lang: document.documentElement.lang,
  }));
  const meetings = await page.evaluate(() => {
    const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
    const painted = (e) => {
      const s = getComputedStyle(e), r = e.getBoundingClientRect();
      const visible = (c) => c && c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c);
      const border = ["Top", "Right", "Bottom", "Left"].some((side) =>
        parseFloat(s[`border${side}Width`]) > 0 && s[`border${side}Style`] !== "none"
        && visible(s[`border${side}Color`]));
      return r.width >= 4 && r.height >= 4 && (visible(s.backgroundColor) || border);
    };
    const continued = [...document.querySelectorAll("tr.continued")].filter(shown)
      .map((e) => e.textContent.trim());
    const marks = [...document.querySelectorAll(".shape")].filter(shown);
    const blank = marks.filter((e) => !painted(e))
      .map((e) => `${e.className} in ${e.parentElement.textContent.trim().slice(0, 30)}`);
    // the narrowest meeting title, as a share of the table's width
    const table = document.querySelector(".meeting-table");
    const titles = table ? [...table.querySelectorAll("tr[data-row] td:nth-child(2)")] : [];
    const share = titles.length ? Math.min(...titles.map((td) =>
      td.getBoundingClientRect().width / table.getBoundingClientRect().width)) : null;
    return { continued, marks: marks.length, blank, titleShare: share };
  });
  // the first stops of the keyboard: each shows a focus outline of 2 px or more
  const focus = [];
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press("Tab");
    focus.push(await page.evaluate(() => {
      const e = document.activeElement, s = getComputedStyle(e);
      return { element: `${e.tagName.toLowerCase()}${e.className ? "." + e.className : ""} ` +
        `${(e.getAttribute("href") || e.textContent).slice(0, 40)}`,
      visible: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    }));
  }
  await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
  axeRunning = true;
  await page.addScriptTag({ content: AXE });
  const axe = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return {
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
      })),
      passes: result.passes.length,
      incomplete: result.incomplete.map((v) => v.id),
    };
  }, TAGS);
  axeRunning = false;
  if (shots) {
    const name = `${path.replace(/[\/.]+/g, "-").replace(/^-|-$/g, "") || "index"}-${width}.png`;
    await page.screenshot({ path: join(shots, name), fullPage: true });
  }
  await page.close();
  const overflow = layout.scrollWidth > layout.innerWidth;
  return {
    page: path, width, lang: layout.lang, requests: requested.length, requested, failed,
    outside, errors,
    scrollWidth: layout.scrollWidth, innerWidth: layout.innerWidth, overflow,
    fonts: layout.fonts, meetings, violations: axe.violations, passes: axe.passes, focus,
    incomplete: axe.incomplete,
    passed: axe.violations.length === 0 && failed.length === 0 && outside.length === 0
      && !overflow && errors.length === 0 && focus.every((f) => f.visible),
  };
}
