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
    codes.forEach(function (input, index) {
      input.addEventListener("keydown", function (event) {
        // Enter moves on like Tab (and never submits half a sheet); arrows move up and down a column.
        if (event.key === "Enter") {
          event.preventDefault();
          if (codes[index + 1]) { codes[index + 1].focus(); codes[index + 1].select(); }
        } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          var name = input.name.split("-")[0];
          var column = grid.querySelectorAll("input.code-input[name^='" + name + "-']");
          var position = Array.prototype.indexOf.call(column, input);
          var next = column[position + (event.key === "ArrowDown" ? 1 : -1)];
          if (next) { event.preventDefault(); next.focus(); next.select(); }
        }
      });
      // A single-digit field is full after one key: go to the next field.
      input.addEventListener("input", function () {
        if (input.maxLength === 1 && input.value.length === 1) {
          var fields = Array.prototype.slice.call(grid.querySelectorAll("input, select, textarea, button"));
          var next = fields[fields.indexOf(input) + 1];
          if (next) { next.focus(); }
        }
      });
    });
  });
})();
