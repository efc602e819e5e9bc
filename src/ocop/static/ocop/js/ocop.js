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
})();
