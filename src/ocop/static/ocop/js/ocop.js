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
  // Scoring, a tick-box criterion: "None of the options is met (0 points)"
  // and the options exclude each other. Runs in the capture phase, before
  // htmx reads the criterion's values for the autosave.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") { return; }
    var fieldset = box.closest("fieldset.criterion");
    var none = fieldset && fieldset.querySelector("[data-none-met]");
    if (!none) { return; }
    var options = fieldset.querySelectorAll("input[type=checkbox]:not([data-none-met])");
    var i;
    if (box === none) {
      if (none.checked) { for (i = 0; i < options.length; i += 1) { options[i].checked = false; } }
      return;
    }
    if (box.checked) { none.checked = false; return; }
    for (i = 0; i < options.length; i += 1) { if (options[i].checked) { return; } }
    none.checked = true; // nothing ticked: the answer recorded is 0 points
  }, true);

  document.addEventListener("htmx:beforeRequest", function () { pending += 1; toggleSubmit(); });
  document.addEventListener("htmx:afterRequest", function () { pending = Math.max(0, pending - 1); toggleSubmit(); });
})();
