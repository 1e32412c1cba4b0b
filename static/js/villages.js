/* The village choices follow the commune: a village <select data-follows="NAME"> keeps only the <optgroup> of the
   commune chosen in the field NAME of the same form (all of them while no commune is chosen). Without this script
   the select is complete, grouped by commune, and the server refuses a village of another commune
   (needs.rules.village_problem). No framework, no network. */
(function () {
  "use strict";

  function follow(select) {
    var commune = select.form && select.form.elements[select.getAttribute("data-follows")];
    if (!commune || commune.tagName !== "SELECT" || select.hasAttribute("data-following")) return;
    select.setAttribute("data-following", "");
    // Hidden options still show in some phone pickers, so the other communes' groups are taken out, not hidden.
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup[data-commune]"));
    function update() {
      var chosen = commune.value, value = select.value;
      groups.forEach(function (group) {
        if (group.parentNode) group.parentNode.removeChild(group);
      });
      groups.forEach(function (group) {
        if (!chosen || group.getAttribute("data-commune") === chosen) select.appendChild(group);
      });
      select.value = value;
      if (select.value !== value) select.value = "";
    }
    commune.addEventListener("change", update);
    update();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-follows]"), follow);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
