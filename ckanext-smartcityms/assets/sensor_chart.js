/*
 * Time-series chart: reads either a sensor's own CSV URL (openSenseMap
 * answers createdAt,value for the last 48 hours) or, with data-time-field
 * and data-value-field, a datastore_search answer (uploaded tables); draws
 * an SVG line and writes a text summary and a table for screen readers. No
 * library, nothing loaded from elsewhere.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function parse(text, figure) {
    var timeField = figure.getAttribute("data-time-field"), valueField = figure.getAttribute("data-value-field");
    var pairs = [], points = [];
    if (timeField) {
      JSON.parse(text).result.records.forEach(function (record) { pairs.push([record[timeField], record[valueField]]); });
    } else {
      text.trim().split(/\r?\n/).slice(1).forEach(function (row) { pairs.push(row.split(",")); });
    }
    pairs.forEach(function (pair) {
      var time = new Date(pair[0]), value = parseFloat(pair[1]);
      if (pair[0] && !isNaN(time.getTime()) && isFinite(value)) { points.push({ t: time, v: value }); }
    });
    return points.sort(function (a, b) { return a.t - b.t; });
  }

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function draw(figure, points) {
    var unit = figure.getAttribute("data-unit") || "", lang = document.documentElement.lang || "de";
    var width = 640, height = 240, pad = 40, svg = figure.querySelector("svg");
    var values = points.map(function (p) { return p.v; });
    var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
    var t0 = points[0].t.getTime(), t1 = points[points.length - 1].t.getTime();
    var x = function (t) { return pad + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - 2 * pad); };
    var y = function (v) { return height - pad - (max === min ? 0.5 : (v - min) / (max - min)) * (height - 2 * pad); };
    element("polyline", {
      points: points.map(function (p) { return x(p.t.getTime()).toFixed(1) + "," + y(p.v).toFixed(1); }).join(" "),
      "class": "smartcityms-chart-line"
    }, svg);
    [[min, height - pad], [max, pad]].forEach(function (label) {
      element("text", { x: 4, y: label[1] + 4, "class": "smartcityms-chart-label" }, svg)
        .textContent = label[0].toLocaleString(lang) + " " + unit;
    });
    var format = function (date) { return date.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" }); };
    element("text", { x: pad, y: height - 8, "class": "smartcityms-chart-label" }, svg).textContent = format(points[0].t);
    element("text", { x: width - pad, y: height - 8, "text-anchor": "end", "class": "smartcityms-chart-label" }, svg)
      .textContent = format(points[points.length - 1].t);

    var last = points[points.length - 1];
    figure.querySelector(".smartcityms-chart-summary").textContent = figure.getAttribute("data-summary")
      .replace("{count}", points.length).replace("{from}", format(points[0].t)).replace("{to}", format(last.t))
      .replace("{min}", min.toLocaleString(lang) + " " + unit).replace("{max}", max.toLocaleString(lang) + " " + unit)
      .replace("{last}", last.v.toLocaleString(lang) + " " + unit);
    var body = figure.querySelector("tbody");
    points.slice(-24).reverse().forEach(function (p) {
      var row = document.createElement("tr"), time = document.createElement("td"), value = document.createElement("td");
      time.textContent = format(p.t);
      value.textContent = p.v.toLocaleString(lang) + " " + unit;
      row.appendChild(time);
      row.appendChild(value);
      body.appendChild(row);
    });
  }

  function load(figure) {
    var status = figure.querySelector(".smartcityms-chart-summary");
    fetch(figure.getAttribute("data-url"))
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return response.text();
      })
      .then(function (text) {
        var points = parse(text, figure);
        if (!points.length) { status.textContent = figure.getAttribute("data-empty"); return; }
        draw(figure, points);
      })
      .catch(function (error) {
        status.textContent = figure.getAttribute("data-failed") + " (" + error.message + ")";
      });
  }

  document.querySelectorAll("[data-smartcityms-sensor-chart]").forEach(load);
})();
