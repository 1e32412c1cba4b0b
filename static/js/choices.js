/* Find a choice by typing: in front of a <select data-search="HINT"> (the ethnic group) a search box picks, as one
   types, the first option whose name or other name (data-also) matches, with or without diacritics: "tay" → Tày,
   "nung" → Nùng, "hmong" → Mông. It folds text as portal.text.fold does. Without this script the select is
   complete (common groups first) and the browser's own typing in a select works. No framework, no network. */
(function () {
  "use strict";

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u0110\u00d0\u0189]/g, "D").replace(/[\u0111\u00f0\u0256]/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function compact(text) {
    return text.replace(/[^a-z0-9]/g, "");
  }

  // 3: the whole name, 2: its start, 1: the start of one of its words; 0: no match.
  function score(option, typed) {
    var best = 0;
    [option.text].concat((option.getAttribute("data-also") || "").split(" ")).forEach(function (name) {
      var key = fold(name);
      if (!key) return;
      if (key === typed || compact(key) === compact(typed)) best = Math.max(best, 3);
      else if (key.indexOf(typed) === 0 || compact(key).indexOf(compact(typed)) === 0) best = Math.max(best, 2);
      else if ((" " + key.replace(/-/g, " ")).indexOf(" " + typed) >= 0) best = Math.max(best, 1);
    });
    return best;
  }

  function enhance(select) {
    if (select.hasAttribute("data-searching")) return;
    select.setAttribute("data-searching", "");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "choice-search";
    box.placeholder = select.getAttribute("data-search");
    box.setAttribute("aria-label", select.getAttribute("data-search"));
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    box.addEventListener("input", function () {
      var typed = fold(box.value), found = null, best = 0;
      if (!typed) return;
      Array.prototype.forEach.call(select.options, function (option) {
        var points = option.value ? score(option, typed) : 0;
        if (points > best) { best = points; found = option; }  // the first of the best: common groups come first
      });
      if (found && select.value !== found.value) {
        select.value = found.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // choosing, not sending the form
    });
    select.parentNode.insertBefore(box, select);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-search]"), enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
