/* Shows under every đồng field (input[data-money]) what will be saved, in figures and in words, while typing.
   The server (portal/money.py: parse_vnd, number_in_words) is the rule; this mirrors it for the preview only and
   is tested against the same table (tests/portal/test_money.py). No framework, no network. */
(function () {
  "use strict";
  var DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
  var SCALES = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"];
  var MAX = 999999999999999;

  function parseVnd(text) {
    var typed = String(text).normalize("NFC").replace(/[\u00a0\u202f\u2009\t]/g, " ").trim().replace(/\s+/g, " ");
    var cleaned = typed.replace(/[\u00d0\u0189]/g, "Đ").replace(/[\u00f0\u0256]/g, "đ").replace(/\s*(đồng|đ|vnđ|vnd|dong)\.?$/i, "").trim();
    if (/^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+|\d{1,3}(,\d{3}){2,})$/.test(cleaned)) {
      var number = Number(cleaned.replace(/[., ]/g, ""));
      return number <= MAX ? number : null;
    }
    return null;
  }

  function hundreds(n, full) {
    var h = Math.floor(n / 100), t = Math.floor(n / 10) % 10, u = n % 10, words = [];
    if (h || full) words.push(DIGITS[h], "trăm");
    if (t === 0) { if (u && words.length) words.push("linh"); }
    else if (t === 1) words.push("mười");
    else words.push(DIGITS[t], "mươi");
    if (u) {
      if (u === 1 && t >= 2) words.push("mốt");
      else if (u === 4 && t >= 2) words.push("tư");
      else if (u === 5 && t >= 1) words.push("lăm");
      else words.push(DIGITS[u]);
    }
    return words;
  }

  function numberInWords(n) {
    if (n === 0) return DIGITS[0];
    var groups = [], words = [];
    while (n > 0) { groups.push(n % 1000); n = Math.floor(n / 1000); }
    for (var i = groups.length - 1; i >= 0; i--) {
      if (!groups[i]) continue;
      words = words.concat(hundreds(groups[i], words.length > 0));
      if (SCALES[i]) words.push(SCALES[i]);
    }
    return words.join(" ");
  }

  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  function preview(n) { return grouped(n) + "\u00a0đ — " + numberInWords(n) + " đồng"; }

  if (typeof module !== "undefined") { module.exports = { parseVnd: parseVnd, numberInWords: numberInWords, preview: preview }; }
  if (typeof document === "undefined") return;
  window.portalMoney = { parseVnd: parseVnd, preview: preview }; // the offline app reads đồng with the same rule
  if (window.vndPreviewLoaded) return;
  window.vndPreviewLoaded = true;

  function update(input) {
    var output = document.getElementById(input.getAttribute("aria-describedby").split(" ").pop());
    if (!output) return;
    var n = input.value.trim() ? parseVnd(input.value) : null;
    output.textContent = n === null ? "" : output.getAttribute("data-label").replace("%(amount)s", preview(n));
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-money]")) update(event.target);
  });
})();
