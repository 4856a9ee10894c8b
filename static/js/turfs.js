// Turfs: keyboard niceties for the entry grid (progressive enhancement; the grid works without it).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector("form.entry-grid");
    if (!grid) { return; }
    var codes = grid.querySelectorAll("input.code-input");
    // Highlight the row being typed in.
    grid.addEventListener("focusin", function (event) {
      grid.querySelectorAll("tr.current").forEach(function (row) { row.classList.remove("current"); });
      var row = event.target.closest("tr");
      if (row) { row.classList.add("current"); }
    });
    var results = grid.querySelectorAll("input[name^='result-']");
    // Enter never submits half a sheet: in a code it goes to the next code (result, then support, then
    // the next door's result); anywhere else in a row, to the next door's result.
    // Tab is the browser's: result, support, follow-up, note, then the next door.
    grid.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
      event.preventDefault();
      var next;
      var index = Array.prototype.indexOf.call(codes, event.target);
      if (index >= 0) {
        next = codes[index + 1];
      } else {
        var row = event.target.closest("tr");
        var position = row ? Array.prototype.indexOf.call(results, row.querySelector("input[name^='result-']")) : -1;
        next = results[position + 1];
      }
      if (next) { next.focus(); next.select(); }
    });
    codes.forEach(function (input) {
      // Arrows move up and down a column.
      input.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          var name = input.name.split("-")[0];
          var column = grid.querySelectorAll("input.code-input[name^='" + name + "-']");
          var position = Array.prototype.indexOf.call(column, input);
          var next = column[position + (event.key === "ArrowDown" ? 1 : -1)];
          if (next) { event.preventDefault(); next.focus(); next.select(); }
        }
      });
    });
  });
})();
