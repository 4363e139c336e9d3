// The search box's title autocomplete, used by keyboard only in Debian's
// Chromium (headless): type, ArrowDown, Enter; axe-core on the page while the
// suggestions are open; Escape closes them.
//
//   node search_box.mjs <page url> <text to type>
//
// Prints one JSON object: {options, expanded, activeOption, axe, afterEscape, landedOn}.
import { chromium } from "playwright-core";
import { injectAxe } from "./axe.mjs";

const [url, text] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.SCMS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url, { waitUntil: "load" });
  const box = page.locator("#field-giant-search");
  await box.focus();
  await page.keyboard.type(text, { delay: 30 });
  await page.waitForSelector("#field-giant-search-suggestions [role=option]", { timeout: 10000 });
  result.options = await page.locator("#field-giant-search-suggestions [role=option]").allTextContents();
  await page.keyboard.press("ArrowDown");
  result.expanded = await box.getAttribute("aria-expanded");
  const active = await box.getAttribute("aria-activedescendant");
  result.activeOption = active ? (await page.locator("#" + active).textContent()).trim() : null;
  await injectAxe(page);
  result.axe = await page.evaluate(async () => {
    const found = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return found.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`);
  });
  await page.keyboard.press("Escape");
  result.afterEscape = await box.getAttribute("aria-expanded");
  await page.keyboard.press("ArrowDown");
  await page.waitForSelector("#field-giant-search-suggestions [role=option]", { timeout: 10000 });
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL(/\/dataset\/[^?]+$/, { timeout: 10000 }), page.keyboard.press("Enter")]);
  result.landedOn = new URL(page.url()).pathname;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
