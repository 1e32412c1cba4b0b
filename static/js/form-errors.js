/* The error summary (templates/portal/_form_errors.html) is rendered by the server and takes focus with autofocus;
   this makes sure it has focus and is in view, and makes each of its links put the cursor in the field with the
   field's label in view (a plain #link only scrolls, and leaves the label above the screen's top). */
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    if (!summary.contains(document.activeElement)) summary.focus();
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var box = field.closest(".field, fieldset") || field;
      box.scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
