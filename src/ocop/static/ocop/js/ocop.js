// OCOP Platform: small behaviours, loaded as a static file (strict CSP, no inline JS).
(function () {
  "use strict";

  // Unit picker: a click on a search result fills the hidden input and the label.
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-unit-id]");
    if (!option) { return; }
    var targetId = option.getAttribute("data-target");
    var hidden = document.getElementById(targetId);
    var search = document.getElementById(targetId + "_search");
    var results = document.getElementById(targetId + "_results");
    if (hidden) { hidden.value = option.getAttribute("data-unit-id"); }
    if (search) { search.value = option.getAttribute("data-unit-label"); search.focus(); }
    if (results) { results.innerHTML = ""; }
  });

  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });

  // Scoring: no submitting while an autosave is still on its way, so the
  // last answer is always stored before the sheet is locked.
  var pending = 0;
  function toggleSubmit() {
    var button = document.getElementById("submit-sheet");
    if (button) { button.disabled = pending > 0; }
  }
  document.addEventListener("htmx:beforeRequest", function () { pending += 1; toggleSubmit(); });
  document.addEventListener("htmx:afterRequest", function () { pending = Math.max(0, pending - 1); toggleSubmit(); });
})();
