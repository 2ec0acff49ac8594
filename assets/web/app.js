// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Focus the error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();

  // Live sum of each disaggregation against the indicator's value, in the page's words
  // (the fieldset's data-sum* attributes: %s the sum, %t the value) and decimal separator.
  var dec = ".";
  function words(fs, name, fallback) { return fs.getAttribute(name) || fallback; }
  function say(pattern, s, t) {
    var w = function (x) { return String(x).replace(".", dec); };
    return pattern.replace("%s", w(s)).replace("%t", w(t));
  }
  function num(s) {
    s = (s || "").replace(/\s/g, "");
    if (dec === ",") s = s.replace(",", ".");
    if (s === "") return null;
    var v = Number(s);
    return isFinite(v) ? v : NaN;
  }
  function update(fs) {
    var total = document.getElementById(fs.getAttribute("data-total"));
    var out = fs.querySelector(".dim-sum");
    if (!out) return;
    dec = fs.getAttribute("data-decimal") === "," ? "," : ".";
    var sum = 0, any = false, bad = false;
    fs.querySelectorAll("input").forEach(function (i) {
      var v = num(i.value);
      if (v === null) return;
      if (isNaN(v)) bad = true; else { sum += v; any = true; }
    });
    var t = total ? num(total.value) : null;
    if (!any) { out.textContent = ""; out.classList.remove("off"); return; }
    var s = Math.round(sum * 100) / 100;
    if (bad) { out.textContent = words(fs, "data-sum-bad", "Sum: not every entry is a number"); out.classList.add("off"); }
    else if (t === null || isNaN(t)) { out.textContent = say(words(fs, "data-sum", "Sum: %s"), s, t); out.classList.remove("off"); }
    else if (Math.abs(sum - t) > 1e-9 * Math.max(1, Math.abs(t))) {
      out.textContent = say(words(fs, "data-sum-off", "Sum: %s – does not add up to the value %t"), s, t); out.classList.add("off");
    } else { out.textContent = say(words(fs, "data-sum-ok", "Sum: %s – adds up"), s, t); out.classList.remove("off"); }
  }
  document.querySelectorAll("fieldset.dims").forEach(function (fs) {
    var total = document.getElementById(fs.getAttribute("data-total"));
    fs.addEventListener("input", function () { update(fs); });
    if (total) total.addEventListener("input", function () { update(fs); });
    update(fs);
  });
})();

// Work plan rows and rate rows in form mode: Escape cancels (back to the table), Enter saves
// (the browser's own implicit submission of the row's form), Tab moves to the next cell.
(function () {
  "use strict";
  document.querySelectorAll("tr[data-cancel]").forEach(function (row) {
    row.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      e.preventDefault();
      if (row.classList.contains("row-add")) {
        row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      } else {
        window.location.assign(row.getAttribute("data-cancel"));
      }
    });
  });
  // After a save the next row's first cell has focus, ready for the next line.
  var first = document.querySelector("tr.row-form [autofocus]");
  if (first && !document.querySelector("[data-focus]")) first.focus();
})();
