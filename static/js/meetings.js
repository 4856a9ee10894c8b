// Meetings: reorder the agenda by drag-and-drop or with the arrow keys on an item's handle.
// Progressive enhancement: without this script the Move up / Move down buttons do the same job.
(function () {
  "use strict";

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > li.agenda-item"));
  }

  function announce(list, text) {
    var live = document.getElementById("agenda-live");
    if (!live) {
      live = document.createElement("p");
      live.id = "agenda-live";
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      list.parentNode.insertBefore(live, list);
    }
    live.textContent = text;
  }

  function refreshButtons(list) {
    var all = items(list);
    all.forEach(function (li, index) {
      var up = li.querySelector('button[name="direction"][value="up"]');
      var down = li.querySelector('button[name="direction"][value="down"]');
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === all.length - 1; }
    });
  }

  function save(list) {
    var order = items(list).map(function (li) { return li.getAttribute("data-item-id"); });
    var body = new FormData();
    body.append("csrf_token", list.getAttribute("data-csrf"));
    body.append("order", order.join(","));
    list.setAttribute("aria-busy", "true");
    return fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      list.removeAttribute("aria-busy");
      if (!result.ok) { window.location.reload(); return; }
      items(list).forEach(function (li) {
        var time = li.querySelector(".agenda-time");
        var value = result.data.times[li.getAttribute("data-item-id")];
        if (time && value) { time.textContent = value; }
      });
      refreshButtons(list);
      list.setAttribute("data-saved", order.join(","));
    }).catch(function () {
      list.removeAttribute("aria-busy");
      window.location.reload();
    });
  }

  function move(list, li, delta) {
    var all = items(list);
    var index = all.indexOf(li);
    var target = index + delta;
    if (target < 0 || target >= all.length) { return; }
    if (delta < 0) { list.insertBefore(li, all[target]); } else { list.insertBefore(li, all[target].nextSibling); }
    var handle = li.querySelector(".drag-handle");
    if (handle) { handle.focus(); }
    var title = li.querySelector(".agenda-title");
    announce(list, (title ? title.textContent : "") + ": " + (target + 1) + " / " + all.length);
    save(list);
  }

  function setup(list) {
    var dragged = null;
    items(list).forEach(function (li) {
      var handle = li.querySelector(".drag-handle");
      if (!handle) { return; }
      li.setAttribute("draggable", "true");
      handle.addEventListener("keydown", function (event) {
        if (event.key === "ArrowUp") { event.preventDefault(); move(list, li, -1); }
        if (event.key === "ArrowDown") { event.preventDefault(); move(list, li, 1); }
      });
      li.addEventListener("dragstart", function (event) {
        dragged = li;
        li.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.getAttribute("data-item-id"));
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("dragging");
        dragged = null;
      });
      li.addEventListener("dragover", function (event) {
        if (!dragged || dragged === li) { return; }
        event.preventDefault();
        var box = li.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? li.nextSibling : li);
      });
      li.addEventListener("drop", function (event) { event.preventDefault(); });
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      save(list);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("ol.agenda.sortable").forEach(setup);
  });
})();
