// The browser preview of `watch`, timed: node bench/preview.mjs URL SELECTOR
//
// Debian's chromium (headless, driven by playwright-core from tests/web/node_modules) opens URL.
// Then, for each line read on stdin, `FILE<TAB>FROM<TAB>TO<TAB>SHOWN`: it replaces the first FROM
// in FILE with TO (the save) and waits until the text of the element SELECTOR is SHOWN; it
// prints one JSON line {"seconds": save -> shown, "reloaded": whether the page reloaded}.
// A line `reload` reloads the page unchanged and prints {"seconds": until its load event}.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(new URL("../tests/web/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [url, selector] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"] });
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  console.log(JSON.stringify({ ready: true }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "reload") {        // the page as it is, loaded again: what showing it costs
      const start = performance.now();
      await page.reload({ waitUntil: "load" });
      console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000 }));
      continue;
    }
    const [file, from, to, shown] = line.split("\t");
    const navigations = await page.evaluate(() => performance.now());
    const text = readFileSync(file, "utf8");
    const start = performance.now();
    writeFileSync(file, text.replace(from, to));
    await page.waitForFunction(([s, t]) =>
      document.querySelector(s)?.textContent.replace(/\s+/g, " ").trim() === t,
      [selector, shown], { polling: 5, timeout: 60000 });
    const seconds = (performance.now() - start) / 1000;
    let reloaded = true;      // a navigation under way (a later reload) tells it too
    try {
      reloaded = await page.evaluate(() => performance.now()) < navigations;
    } catch { /* the context went away: the page is loading again */ }
    console.log(JSON.stringify({ seconds, reloaded }));
  }
} finally {
  await browser.close();
}
