// Dashboard charts drawn from their tables: every chart has its table
// alternative right below it, and the table is the chart's only data source.
// <div data-chart-for="TABLE-ID"></div> … <table id="TABLE-ID" data-chart="bar"
// [data-stacked="1"] data-chart-title="…">: rows are the x axis (their first
// cell the label), columns the series (the header cells), values are read
// from each cell's data-value (or its text).
(function () {
  "use strict";
  var COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#6c757d", "#dc3545", "#6f42c1"];

  function cellValue(cell) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) {
      raw = (cell.textContent || "").replace(/[^0-9-]/g, "");
    }
    var n = parseInt(raw, 10);
    return isNaN(n) ? 0 : n;
  }

  function draw(box) {
    var table = document.getElementById(box.getAttribute("data-chart-for"));
    if (!table || typeof window.Chart === "undefined") {
      return;
    }
    var heads = table.querySelectorAll("thead th");
    var rows = table.querySelectorAll("tbody tr");
    var labels = [];
    var series = [];
    for (var c = 1; c < heads.length; c++) {
      series.push({
        label: heads[c].textContent.trim(),
        data: [],
        backgroundColor: COLOURS[(c - 1) % COLOURS.length],
      });
    }
    rows.forEach(function (row) {
      var cells = row.querySelectorAll("th, td");
      if (cells.length !== heads.length) {
        return;
      }
      labels.push(cells[0].textContent.trim());
      for (var c = 1; c < cells.length; c++) {
        series[c - 1].data.push(cellValue(cells[c]));
      }
    });
    if (!labels.length) {
      return;
    }
    var canvas = document.createElement("canvas");
    var title = table.getAttribute("data-chart-title") || "";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title + " — " + (box.getAttribute("data-table-note") || ""));
    box.appendChild(canvas);
    var stacked = table.getAttribute("data-stacked") === "1";
    new window.Chart(canvas, {
      type: table.getAttribute("data-chart") || "bar",
      data: { labels: labels, datasets: series },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: !!title, text: title } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  function start() {
    document.querySelectorAll("[data-chart-for]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
