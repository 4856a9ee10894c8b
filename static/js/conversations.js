// Conversations: resident pickers search as you type (the Search button works without JavaScript).
(function () {
  "use strict";
  function attach(input) {
    var select = document.getElementById(input.getAttribute("data-resident-search"));
    if (!select) { return; }
    var timer = null;
    var endpoint = document.body.getAttribute("data-residents-json") || "/conversations/residents.json";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { return; }
      timer = window.setTimeout(function () {
        fetch(endpoint + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (residents) {
            var current = select.value;
            var keep = Array.prototype.filter.call(select.options, function (o) { return o.value === "" || o.value === current; });
            select.innerHTML = "";
            keep.forEach(function (o) { select.appendChild(o); });
            residents.forEach(function (r) {
              if (String(r.id) === current) { return; }
              var option = document.createElement("option");
              option.value = r.id;
              option.textContent = r.label;
              select.appendChild(option);
            });
            if (residents.length && !current) { select.value = String(residents[0].id); }
          });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-resident-search]").forEach(attach);
  });
})();
