// An archive asked for and downloaded in Debian's Chromium (headless), by
// keyboard: Tab to the "build" button, Enter; the page's state region updates
// itself while the job worker builds (no reload); axe-core on the ready state;
// Enter on the download link saves the ZIP.
//
//   node download.mjs <archive page url> <folder for the file>
//
// Prints one JSON object: {before, after, reloaded, announced, axe, file, size}.
import path from "node:path";
import { chromium } from "playwright-core";
import { injectAxe } from "./axe.mjs";

const [url, folder] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.SCMS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(url, { waitUntil: "load" });
  const button = page.locator("#download-status button[type=submit]");
  await button.focus();
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
  result.before = await page.locator("#download-status").getAttribute("data-state");
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.waitForSelector("#download-status[data-state=ready] a[download]", { timeout: 120000 });
  result.reloaded = !(await page.evaluate(() => window.__sameDocument === true));
  result.after = await page.locator("#download-status").getAttribute("data-state");
  result.announced = {
    role: await page.locator("#download-status").getAttribute("role"),
    live: await page.locator("#download-status").getAttribute("aria-live"),
    text: (await page.locator("#download-status .alert").first().textContent()).trim(),
  };
  await injectAxe(page);
  result.axe = await page.evaluate(async () => {
    const found = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return found.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`);
  });
  await page.locator("#download-status a[download]").focus();
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  result.file = download.suggestedFilename();
  const saved = path.join(folder, result.file);
  await download.saveAs(saved);
  result.saved = saved;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
