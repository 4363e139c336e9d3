"""Accessibility (BITV 2.0 / WCAG 2.1 AA) of the main pages, in a real browser.

tests/a11y/check_pages.mjs drives Debian's Chromium (playwright-core) and runs
axe-core (both from npm, installed by bin/install) on each page in German and
English, and checks keyboard use: the first Tab lands on a skip link to the
main content, focus is visible, no positive tabindex reorders the tab order,
and <html lang> is right; three pages also on a 375 px wide phone screen (no
sideways scrolling). Nothing a page needs may be refused by its content
security policy (security/headers.py). Screenshots go to var/screenshots/a11y-*.png.
"""
import json
import os
import subprocess

import pytest

from tests.browser import ROOT, SCREENSHOTS, chromium

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
PAGES = ["/", "/dataset/", "/dataset/?q=Radferkehr", "/dataset/aasee", "/handlungsfeld/mobilitaet-verkehr", "/projekt/aaseemonitoring",
         "/user/login", "/qualitaet", "/entwickler", "/entwickler/api", "/download", "/download/dataset/aasee"]
CHECKER = ROOT / "tests" / "a11y" / "check_pages.mjs"


def check(urls):
    if not (CHECKER.parent / "node_modules" / "axe-core").is_dir():
        raise RuntimeError("axe-core is not installed: run bin/install (npm ci in tests/a11y)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["node", str(CHECKER), str(SCREENSHOTS), *urls], capture_output=True, text=True,
                            timeout=300, cwd=CHECKER.parent, env=dict(os.environ, SCMS_CHROMIUM=chromium()))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_main_pages_have_no_wcag_21_aa_violations_and_work_by_keyboard(catalogue, live_ckan):
    urls = [live_ckan.url + prefix + path for prefix in ("", "/en") for path in PAGES]
    urls += ["mobile:" + live_ckan.url + path for path in ("/", "/handlungsfeld/mobilitaet-verkehr", "/dataset/aasee")]
    results = check(urls)
    problems = {}
    for url, found in results.items():
        expected_lang = "en" if "/en/" in url or url.endswith("/en") else "de"
        keyboard = found["keyboard"]
        issues = []
        if found["status"] != 200:
            issues.append(f"HTTP {found['status']}")
        if found["lang"] != expected_lang:
            issues.append(f"lang={found['lang']!r}")
        issues += [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found["violations"]]
        if not (keyboard["firstFocusHref"] or "").startswith("#") or not keyboard["skipTargetExists"]:
            issues.append(f"first Tab does not reach a working skip link: {keyboard}")
        elif not keyboard["skipLinkOnScreen"] or not keyboard["focusVisible"]:
            issues.append(f"focused skip link not visible: {keyboard}")
        if keyboard["positiveTabindex"]:
            issues.append(f"{keyboard['positiveTabindex']} element(s) with a positive tabindex reorder the tab order")
        if keyboard["horizontalScroll"]:
            issues.append("the page scrolls sideways (not responsive at this width)")
        issues += [f"refused by the page's security policy: {text}" for text in found["policyRefusals"]]
        if issues:
            problems[url] = issues
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
