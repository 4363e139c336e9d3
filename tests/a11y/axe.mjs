// axe-core into a page under the portal's content security policy, and the
// policy's refusals on that page.
//
// Playwright's addScriptTag writes an inline <script>, which the portal's
// policy (script-src 'self') refuses, as it must; page.evaluate runs through
// the DevTools protocol, outside the page's policy.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function injectAxe(page) {
  await page.evaluate(axeSource);
}

// Call before page.goto: the returned list fills with every console message in
// which the browser reports content the policy refused (a script of ours it
// blocked would break the page).
export function policyRefusals(page) {
  const refused = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text().slice(0, 300));
  });
  return refused;
}
