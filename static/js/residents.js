// Residents: upload progress and a "working" indicator for imports (the pages work without it).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-progress]").forEach(function (form) {
      var box = document.getElementById(form.getAttribute("data-progress"));
      if (!box || !window.XMLHttpRequest || !window.FormData) { return; }
      var bar = box.querySelector("progress");
      var label = box.querySelector("[data-label]");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        box.hidden = false;
        form.querySelectorAll("button, input[type=submit]").forEach(function (b) { b.disabled = true; });
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) {
            bar.max = e.total;
            bar.value = e.loaded;
            label.textContent = form.getAttribute("data-uploading") + " " + Math.round(100 * e.loaded / e.total) + " %";
          }
        };
        xhr.upload.onload = function () {
          bar.removeAttribute("value");
          label.textContent = form.getAttribute("data-working");
        };
        xhr.onload = function () {
          if (xhr.responseURL && xhr.responseURL.split("#")[0] !== form.action) {
            window.location.assign(xhr.responseURL);
            return;
          }
          document.open();
          document.write(xhr.responseText);
          document.close();
        };
        xhr.onerror = function () { form.submit(); };
        xhr.send(new FormData(form));
      });
    });
  });
})();
