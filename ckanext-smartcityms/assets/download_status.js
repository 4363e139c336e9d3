/* While an archive is being built, its page asks itself again every few
 * seconds and replaces the state region (role=status, aria-live=polite) with
 * the new one, so the download link appears without a reload and screen
 * readers hear that it is ready. Without scripts the page's own "Check
 * again" link does the same. */
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var MAX_TRIES = 400;

  function poll(region, tries) {
    var state = region.getAttribute("data-state");
    if ((state !== "queued" && state !== "building") || tries >= MAX_TRIES) { return; }
    window.setTimeout(function () {
      fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (fresh) {
            var changed = fresh.getAttribute("data-state") !== state;
            region.setAttribute("data-state", fresh.getAttribute("data-state"));
            if (changed) { region.innerHTML = fresh.innerHTML; }
          }
          poll(region, tries + 1);
        })
        .catch(function () { poll(region, tries + 1); });
    }, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("download-status");
    if (region) { poll(region, 0); }
  });
}());
