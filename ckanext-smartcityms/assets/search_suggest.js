/* Autocomplete of dataset titles for the search boxes (the page's and the
 * header's), as an ARIA 1.2 combobox with a listbox: arrow keys move through
 * the suggestions, Enter opens the chosen dataset, Escape closes the list,
 * and without a choice the form searches as before. Suggestions come from
 * the action smartcityms_dataset_suggest. Event delegation on the document,
 * because CKAN's htmx search replaces the search form after every search. */
(function () {
  "use strict";
  var SELECTOR = "#field-giant-search, #field-sitewide-search";
  var DELAY_MS = 150;
  var timer = null;
  var latest = 0;

  function apiBase() {
    // The site's root path from CKAN's <meta name="site-root">, on the page's own
    // origin (ckan.site_url may name another host than the one in the address bar).
    var meta = document.querySelector("meta[name=site-root]");
    var root = "/";
    try { root = new URL(meta ? meta.content : "/", window.location.href).pathname; }
    catch (error) { root = "/"; }
    return root.replace(/\/$/, "") + "/api/3/action/smartcityms_dataset_suggest";
  }

  function listFor(input) {
    var id = input.id + "-suggestions";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "smartcityms-suggestions";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder || "");
      list.hidden = true;
      input.parentNode.style.position = "relative";
      input.parentNode.appendChild(list);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", id);
      input.setAttribute("aria-expanded", "false");
    }
    return list;
  }

  function close(input) {
    var list = listFor(input);
    list.hidden = true;
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show(input, items) {
    var list = listFor(input);
    list.innerHTML = "";
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = input.id + "-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-url", item.url);
      option.textContent = item.title;
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the input
        window.location.href = item.url;
      });
      list.appendChild(option);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  }

  function fetchSuggestions(input) {
    var text = input.value.trim();
    if (text.length < 2) { close(input); return; }
    var ticket = ++latest;
    fetch(apiBase() + "?rows=8&q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.ok ? answer.json() : {result: []}; })
      .then(function (body) {
        if (ticket === latest && document.activeElement === input) { show(input, body.result || []); }
      })
      .catch(function () { close(input); });
  }

  function move(input, step) {
    var options = listFor(input).querySelectorAll("[role=option]");
    if (!options.length) { return; }
    var current = -1;
    options.forEach(function (option, i) {
      if (option.getAttribute("aria-selected") === "true") { current = i; }
    });
    var next = (current + step + options.length) % options.length;
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === next ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({block: "nearest"});
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(SELECTOR)) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { fetchSuggestions(input); }, DELAY_MS);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(SELECTOR)) { return; }
    var list = listFor(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) { fetchSuggestions(input); return; }
      event.preventDefault();
      move(input, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(input); }
    } else if (event.key === "Enter") {
      var chosen = input.getAttribute("aria-activedescendant");
      var option = chosen && document.getElementById(chosen);
      if (option && !list.hidden) {
        event.preventDefault();
        window.location.href = option.getAttribute("data-url");
      }
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.matches && input.matches(SELECTOR)) { setTimeout(function () { close(input); }, 100); }
  });
})();
