// Turnout panel of an action page: refresh goal / confirmed / maybe / came every 15 seconds while visible.
(function () {
  "use strict";
  var panel = document.querySelector("[data-turnout-url]");
  if (!panel || !window.fetch) { return; }
  function set(name, value) {
    var node = panel.querySelector('[data-field="' + name + '"]');
    if (node && value !== null && value !== undefined) { node.textContent = String(value); }
  }
  function refresh() {
    if (document.hidden) { return; }
    fetch(panel.getAttribute("data-turnout-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        set("confirmed", data.confirmed);
        set("maybe", data.maybe);
        set("came", data.came);
        var bar = panel.querySelector('[data-field="bar"]');
        if (bar && data.goal) { bar.value = Math.min(data.confirmed, data.goal); }
      })
      .catch(function () { /* offline: keep the last figures */ });
  }
  window.setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
