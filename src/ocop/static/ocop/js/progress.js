// OCOP Platform: progress bars of background work (import, stamp creation).
// Polls the JSON status URL of each [data-job-status-url] box, updates the
// bar and the text, shows the "no worker" notice, and loads the result page
// once the work has finished. Without JavaScript the page has a refresh link.
(function () {
  "use strict";
  var INTERVAL = 2000;

  function update(box, data) {
    var bar = box.querySelector("[data-job-bar]");
    var text = box.querySelector("[data-job-text]");
    var waiting = box.querySelector("[data-job-waiting]");
    if (bar) {
      bar.max = Math.max(1, data.total || 0);
      bar.value = data.done || 0;
      bar.textContent = data.percent + "%";
    }
    if (text && data.text) { text.textContent = data.text; }
    if (waiting) {
      waiting.hidden = !data.waiting;
      if (data.waiting) { waiting.textContent = data.waiting_text; }
    }
  }

  function poll(box) {
    var url = box.getAttribute("data-job-status-url");
    if (!url || !window.fetch) { return; }
    window.fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) {
          update(box, data);
          if (data.finished || (data.stalled && box.getAttribute("data-job-stalled") !== "1")) {
            window.location.assign(data.url || window.location.href);
            return;
          }
        }
        window.setTimeout(function () { poll(box); }, INTERVAL);
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, INTERVAL * 2); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-job-status-url]");
    for (var i = 0; i < boxes.length; i += 1) {
      (function (box) { window.setTimeout(function () { poll(box); }, INTERVAL); })(boxes[i]);
    }
  });
})();
