// Poll a background job and show its progress; reload the page when it is over.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("job");
    if (!box) { return; }
    var key = "job-reloaded-" + box.getAttribute("data-status-url");
    if (["queued", "running"].indexOf(box.getAttribute("data-state")) < 0) {
      // Reloaded by the polling below: bring the outcome ("ready", or what failed) to screen readers.
      var message = document.getElementById("job-message");
      if (message && window.sessionStorage && window.sessionStorage.getItem(key)) {
        window.sessionStorage.removeItem(key);
        message.focus();
      }
      return;
    }
    var bar = document.getElementById("job-progress");
    var count = document.getElementById("job-count");
    var waiting = document.getElementById("job-waiting");
    function poll() {
      fetch(box.getAttribute("data-status-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.state === "done" || job.state === "failed") {
            if (window.sessionStorage) { window.sessionStorage.setItem(key, "1"); }
            window.location.reload();
            return;
          }
          if (waiting) { waiting.hidden = !job.waiting; }
          if (job.percent !== null && bar) { bar.value = job.percent; bar.textContent = job.percent + " %"; }
          if (job.total && count) { count.textContent = job.done + " / " + job.total; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
