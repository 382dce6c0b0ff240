// QMS charts: each <canvas class="qms-chart" data-chart='{...}'> is drawn with Chart.js
// (vendored in static/vendor/chartjs). The server computes every number; this file only
// draws. No inline script: the content security policy forbids it.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var COLOURS = ["#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997"];
  var TONES = { success: "#198754", warning: "#ffc107", danger: "#dc3545", secondary: "#6c757d",
                primary: "#0d6efd", info: "#0dcaf0", dark: "#212529" };

  function dataset(spec, index, type) {
    var colour = spec.kind === "target" ? "#dc3545" : (spec.colour || COLOURS[index % COLOURS.length]);
    var out = { label: spec.label, data: spec.data, borderColor: colour, backgroundColor: colour,
                spanGaps: true, tension: 0.2 };
    if (spec.tones) {
      out.backgroundColor = spec.tones.map(function (t) { return TONES[t] || colour; });
      out.borderColor = "#fff";
    }
    if (spec.kind === "target") {
      out.type = "line"; out.borderDash = [6, 4]; out.pointRadius = 0; out.fill = false;
      out.backgroundColor = "transparent";
    }
    if (spec.stack) { out.stack = spec.stack; }
    return out;
  }

  function draw(canvas) {
    var spec;
    try { spec = JSON.parse(canvas.dataset.chart); } catch (error) { return; }
    var type = spec.type || "line";
    var options = { responsive: true, maintainAspectRatio: false, animation: false,
                    plugins: { legend: { position: "bottom" } },
                    scales: type === "doughnut" ? {} : { y: { beginAtZero: true,
                      title: { display: !!spec.unit, text: spec.unit || "" } } } };
    if (spec.integer && options.scales.y) { options.scales.y.ticks = { precision: 0 }; }
    if (spec.horizontal && spec.integer) { options.scales.x = { beginAtZero: true, ticks: { precision: 0 } }; }
    if (spec.stacked) { options.scales.x = { stacked: true }; options.scales.y.stacked = true; }
    if (spec.horizontal) { options.indexAxis = "y"; }
    new Chart(canvas, { type: type, data: { labels: spec.labels,
      datasets: spec.datasets.map(function (d, i) { return dataset(d, i, type); }) }, options: options });
  }

  document.querySelectorAll("canvas.qms-chart").forEach(draw);
}());
