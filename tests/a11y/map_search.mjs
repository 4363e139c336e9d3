// Search by map as people use it, in Debian's Chromium (headless):
//   1. the search page shows the map (ckanext-spatial's spatial-query widget);
//   2. by keyboard: Tab to the area field, type an area, Enter: the results
//      show only datasets there;
//   3. by pointer: the pencil button, a rectangle dragged on the map, Apply;
//   4. a dataset page shows its area on a map;
// with axe-core on the search page and the dataset page, and every request
// the pages make recorded (nothing may go to another server).
//
//   node map_search.mjs <portal url> <area typed> <dataset path>
//
// Prints one JSON object.
import { chromium } from "playwright-core";
import { injectAxe } from "./axe.mjs";

const [base, area, datasetPath] = process.argv.slice(2);
const origin = new URL(base).origin;

async function axe(page) {
  await injectAxe(page);
  return page.evaluate(async () => {
    const found = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return found.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`);
  });
}

const names = (page) => page.$$eval("#dataset-search-form ~ * .dataset-heading a, .dataset-list .dataset-heading a",
  (links) => links.map((a) => new URL(a.href).pathname));

const browser = await chromium.launch({
  executablePath: process.env.SCMS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = { elsewhere: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) result.elsewhere.push(url);
  });
  await page.goto(base + "/dataset/", { waitUntil: "load" });
  await page.waitForSelector("#dataset-map-container.leaflet-container", { timeout: 15000 });
  result.mapShown = true;
  result.searchAxe = await axe(page);

  // 2. keyboard only: the second skip link, then Tab to the area field
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  result.secondSkipLink = await page.evaluate(() => document.activeElement.getAttribute("href"));
  await page.keyboard.press("Enter");
  let tabs = 0;
  while (tabs < 60 && !(await page.evaluate(() => document.activeElement && document.activeElement.id === "ext_bbox"))) {
    await page.keyboard.press("Tab");
    tabs += 1;
  }
  result.tabsToAreaField = tabs;
  await page.keyboard.type(area, { delay: 10 });
  await Promise.all([page.waitForURL(/ext_bbox=/, { timeout: 15000 }), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
  await page.waitForTimeout(500);
  result.byKeyboard = { url: page.url(), datasets: await names(page) };

  // 3. pointer: draw a rectangle around the first half of the map's view
  await page.goto(base + "/dataset/", { waitUntil: "load" });
  await page.waitForSelector("#dataset-map-container.leaflet-container", { timeout: 15000 });
  await page.click(".leaflet-control-custom-button");
  await page.waitForSelector("#draw-map-container.leaflet-container", { state: "visible", timeout: 15000 });
  await page.waitForTimeout(800);  // the modal's animation
  result.dialogTexts = await page.evaluate(() => ({
    pencil: document.querySelector(".leaflet-control-custom-button").title,
    title: document.querySelector(".modal .modal-title").textContent,
    apply: document.querySelector(".modal .apply").textContent,
    cancel: document.querySelector(".modal .btn-cancel").textContent,
  }));
  const box = await page.locator("#draw-map-container").boundingBox();
  await page.mouse.move(box.x + box.width * 0.30, box.y + box.height * 0.30);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.70, box.y + box.height * 0.70, { steps: 8 });
  await page.mouse.up();
  result.drawnArea = await page.inputValue("#ext_bbox");
  await Promise.all([page.waitForURL(/ext_bbox=/, { timeout: 15000 }), page.click(".modal .apply")]);
  await page.waitForLoadState("load");
  await page.waitForTimeout(500);
  result.byPointer = { url: page.url(), datasets: await names(page) };

  // 4. a dataset's area
  await page.goto(base + datasetPath, { waitUntil: "load" });
  await page.waitForSelector(".smartcityms-extent .leaflet-container", { timeout: 15000 });
  await page.waitForTimeout(500);
  result.extentDrawn = await page.$$eval(".smartcityms-extent .leaflet-container path, .smartcityms-extent .leaflet-marker-icon",
    (shapes) => shapes.length);
  result.datasetAxe = await axe(page);
  await page.screenshot({ path: (process.env.SCMS_SCREENSHOTS || "/tmp") + "/map-search-dataset.png", fullPage: true });
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
