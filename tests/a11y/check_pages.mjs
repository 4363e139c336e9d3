// Accessibility check of portal pages in Debian's Chromium (headless):
// axe-core for WCAG 2.1 A/AA, plus what axe cannot judge alone: the first Tab
// reaches a skip link to the main content, focus is visible, <html lang> is set.
//
//   node check_pages.mjs <screenshot dir> <url> [<url> …]
//
// A URL prefixed with "mobile:" is checked in a 375 px wide viewport (a phone).
// Prints one JSON object: {"<url as given>": {lang, violations: [...], keyboard: {...}}}.
import path from "node:path";
import { chromium } from "playwright-core";
import { injectAxe, policyRefusals } from "./axe.mjs";

const [screenshotDir, ...urls] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.SCMS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  for (const given of urls) {
    const mobile = given.startsWith("mobile:");
    const url = mobile ? given.slice("mobile:".length) : given;
    const page = await browser.newPage({ viewport: mobile ? { width: 375, height: 812 } : { width: 1280, height: 900 } });
    const refused = policyRefusals(page);
    const response = await page.goto(url, { waitUntil: "load" });
    await injectAxe(page);
    const axe = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      }));
    });
    await page.keyboard.press("Tab");
    const keyboard = await page.evaluate(() => {
      const el = document.activeElement;
      const style = el ? getComputedStyle(el) : null;
      const target = el && el.getAttribute("href") && el.getAttribute("href").startsWith("#")
        ? document.getElementById(el.getAttribute("href").slice(1)) : null;
      return {
        firstFocus: el ? (el.textContent || "").trim().slice(0, 60) : null,
        firstFocusHref: el ? el.getAttribute("href") : null,
        skipTargetExists: Boolean(target),
        skipTargetContainsH1: Boolean(target && target.querySelector("h1")),
        focusVisible: Boolean(style && ((style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                                        || style.boxShadow !== "none")),
        skipLinkOnScreen: Boolean(el && el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1),
        // Tab order follows the reading order unless a positive tabindex reorders it.
        positiveTabindex: [...document.querySelectorAll("[tabindex]")].filter((e) => e.tabIndex > 0).length,
        horizontalScroll: document.documentElement.scrollWidth > window.innerWidth + 1,
      };
    });
    const name = (mobile ? "mobile-" : "") +
      (url.replace(/^https?:\/\/[^/]+\//, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "home");
    await page.screenshot({ path: path.join(screenshotDir, `a11y-${name}.png`), fullPage: true });
    results[given] = {
      status: response ? response.status() : null,
      lang: await page.evaluate(() => document.documentElement.getAttribute("lang")),
      violations: axe,
      keyboard,
      policyRefusals: refused,
    };
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
