// Maps (Leaflet, vendored): a turf's doors in walking order, the cutting map (draw an area, click doors,
// live preview), the split map (draw a line). Tiles come from the deployment's setting, or none at all:
// then the doors and the streets (lines drawn from the addresses' own coordinates) stand on a plain
// background. Every action here has a keyboard alternative in the page's forms; the map only adds.
//
// Reusable: OrganizerMap.turf(element, options) draws a turf from its /turfs/<id>/map.json and returns
// {map, setPosition(lat, lon, accuracy), clearPosition()}; options.showPosition follows the browser's
// position (on a phone) and never sends it anywhere.
(function () {
  "use strict";

  function parse(value, fallback) {
    try { return value ? JSON.parse(value) : fallback; } catch (error) { return fallback; }
  }

  // A Leaflet map on `element` (data-tiles, data-attribution), with the tile layer when configured.
  function base(element, options) {
    options = options || {};
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25, keyboard: true });
    var tiles = options.tiles !== undefined ? options.tiles : element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: options.attribution || element.getAttribute("data-attribution") || ""
      }).addTo(map);
    } else {
      element.classList.add("no-tiles");
    }
    map.attributionControl.setPrefix(false);
    // Pins shrink when zoomed out (labels stay while they can be read): see map.css.
    function zoomClass() {
      var zoom = map.getZoom();
      element.classList.toggle("zoom-mid", zoom < 17 && zoom >= 15);
      element.classList.toggle("zoom-far", zoom < 15);
    }
    map.on("zoomend", zoomClass);
    // A view before any layer (the canvas renderer needs one); the data's bounds come next.
    map.setView([46.6, 2.4], 5);
    return map;
  }

  function drawStreets(map, streets) {
    var layer = L.layerGroup();
    (streets || []).forEach(function (street) {
      L.polyline(street.points, { color: "#bfc5d2", opacity: 1, weight: 6, lineCap: "round", interactive: false }).addTo(layer);
    });
    return layer.addTo(map);
  }

  function pinIcon(door, startLabel) {
    // Colour plus a label (the result's short code, or × for do not knock): never colour alone.
    var classes = "door-pin result-" + (door.result || "none") + (door.do_not_knock ? " dnk" : "");
    var text = door.do_not_knock ? "×" : (door.code || "");
    return L.divIcon({
      className: "door-pin-wrap",
      html: '<span class="' + classes + '">' + text + "</span>",
      iconSize: [22, 22],
      iconAnchor: [11, 11]
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // A turf's map: doors in walking order coloured (and labelled) by last result, the route, the start.
  function turf(element, options) {
    options = options || {};
    var map = base(element, options);
    var labels = parse(element.getAttribute("data-labels"), {});
    var startText = element.getAttribute("data-start-label") || "Start";
    var notYet = element.getAttribute("data-not-knocked-label") || "";
    var position = null;
    var handle = {
      map: map,
      setPosition: function (lat, lon, accuracy) {
        if (position) { position.remove(); }
        position = L.layerGroup([
          L.circle([lat, lon], { radius: accuracy || 10, color: "#1d4fa8", weight: 1, fillOpacity: 0.12, interactive: false }),
          L.circleMarker([lat, lon], { radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d4fa8", fillOpacity: 1 })
        ]).addTo(map);
      },
      clearPosition: function () { if (position) { position.remove(); position = null; } }
    };
    var url = options.dataUrl || element.getAttribute("data-src");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        drawStreets(map, data.streets);
        if (data.route.length > 1) {
          L.polyline(data.route, { color: "#1d2433", opacity: 0.9, dashArray: "6 4", weight: 2.5, interactive: false }).addTo(map);
        }
        var bounds = [];
        data.doors.forEach(function (door) {
          if (door.lat === null || door.lon === null) { return; }
          bounds.push([door.lat, door.lon]);
          var result = door.result ? (labels[door.result] || door.result) : notYet;
          L.marker([door.lat, door.lon], {
            icon: pinIcon(door),
            keyboard: false,
            title: door.seq + ". " + door.label + " — " + result,
            alt: door.seq + ". " + door.label + " — " + result
          }).bindTooltip(escapeHtml(door.seq + ". " + door.label + " — " + result)).addTo(map);
        });
        if (data.route.length) {
          L.marker(data.route[0], {
            icon: L.divIcon({ className: "map-start-wrap", html: '<span class="map-start">▶ ' + escapeHtml(startText) + "</span>", iconSize: null }),
            keyboard: false,
            interactive: false
          }).addTo(map);
        }
        if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18 }); } else { map.setView([46.6, 2.4], 5); }
        element.setAttribute("data-doors", String(data.doors.length));
        element.dispatchEvent(new CustomEvent("map:ready", { detail: data }));
      });
    if (options.showPosition && navigator.geolocation) {
      // Shown on this screen only: the position is never sent to the server.
      navigator.geolocation.watchPosition(function (where) {
        handle.setPosition(where.coords.latitude, where.coords.longitude, where.coords.accuracy);
      }, function () {}, { enableHighAccuracy: true, maximumAge: 15000 });
    }
    return handle;
  }

  function postJson(url, body, csrf) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  function drawingLanguage(map) {
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    if (map.pm && map.pm.setLang) { map.pm.setLang(lang === "fr" ? "fr" : "en"); }
  }

  // The cutting page: draw an area, click doors in or out, tick streets; the preview follows.
  function cut(element) {
    var form = document.getElementById("cut-form");
    var csrf = form.querySelector("input[name=csrf_token]").value;
    var map = base(element);
    drawingLanguage(map);
    var markers = {};
    var turfs = {};
    var state = { polygon: null, layer: null, added: {}, excluded: {}, selected: {}, taken: {} };
    var field = function (name) { return form.querySelector("[name=" + name + "]"); };
    var seq = 0;

    function style(id) {
      var marker = markers[id];
      var selected = state.selected[id];
      var other = marker.turfId && !selected;
      marker.setStyle({
        radius: selected ? 6 : 4,
        color: selected ? (state.taken[id] ? "#b35900" : "#0b4f2c") : (other ? "#b35900" : "#59627a"),
        fillColor: selected ? (state.taken[id] ? "#f0a040" : "#1f8f4f") : "#ffffff",
        fillOpacity: selected ? 0.95 : 0.8,
        weight: other || state.taken[id] ? 2.5 : 1.5,
        dashArray: other || state.taken[id] ? "2 2" : null
      });
    }

    function streets() {
      return Array.prototype.map.call(form.querySelectorAll("input[name=street]:checked"), function (box) { return box.value; });
    }

    function refresh() {
      var added = Object.keys(state.added), excluded = Object.keys(state.excluded);
      field("polygon").value = state.polygon ? JSON.stringify(state.polygon) : "";
      field("address_ids").value = added.join(",");
      field("exclude_ids").value = excluded.join(",");
      var mine = ++seq;
      element.setAttribute("aria-busy", "true");
      postJson(element.getAttribute("data-preview"), {
        polygon: state.polygon, address_ids: added, exclude_ids: excluded, streets: streets()
      }, csrf).then(function (data) {
        if (mine !== seq) { return; }
        element.removeAttribute("aria-busy");
        if (data.error) { show({ addresses: 0, doors: 0, residents: 0, do_not_knock: 0, ids: [], taken: [] }, data.error); return; }
        show(data);
      });
    }

    function show(data, error) {
      var before = state.selected;
      state.selected = {};
      state.taken = {};
      data.ids.forEach(function (id) { state.selected[id] = true; });
      data.taken.forEach(function (turf) { turf.ids.forEach(function (id) { state.taken[id] = true; }); });
      Object.keys(before).concat(data.ids.map(String)).forEach(function (id) { if (markers[id]) { style(id); } });
      var panel = document.getElementById("cut-preview");
      panel.hidden = false;
      ["addresses", "doors", "residents", "do_not_knock"].forEach(function (key) {
        panel.querySelector("[data-count=" + key + "]").textContent = data[key];
      });
      var takenBox = panel.querySelector(".taken");
      var list = takenBox.querySelector("ul");
      list.innerHTML = "";
      data.taken.forEach(function (turf) {
        var item = document.createElement("li");
        item.textContent = turf.name + " : " + turf.count;
        list.appendChild(item);
      });
      takenBox.hidden = data.taken.length === 0;
      var message = panel.querySelector(".preview-error");
      message.textContent = error || "";
      message.hidden = !error;
      document.getElementById("create-turf").disabled = data.ids.length === 0;
    }

    fetch(element.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        turfs = data.turfs;
        drawStreets(map, data.streets);
        var bounds = [];
        data.doors.forEach(function (row) {
          var id = String(row[0]);
          bounds.push([row[1], row[2]]);
          var marker = L.circleMarker([row[1], row[2]], { radius: 4 });
          marker.turfId = row[3];
          var where = row[3] ? " — " + (turfs[String(row[3])] || "") : "";
          marker.bindTooltip(escapeHtml(row[4] + where));
          marker.on("click", function () {
            if (state.selected[id]) {
              if (state.added[id]) { delete state.added[id]; } else { state.excluded[id] = true; }
            } else if (state.excluded[id]) {
              delete state.excluded[id];
            } else {
              state.added[id] = true;
            }
            refresh();
          });
          markers[id] = marker.addTo(map);
          style(id);
        });
        if (bounds.length) { map.fitBounds(bounds, { padding: [16, 16] }); } else { map.setView([46.6, 2.4], 5); }
        element.setAttribute("data-doors", String(data.doors.length));
        element.dispatchEvent(new CustomEvent("map:ready"));
        if (field("polygon").value || streets().length || field("address_ids").value) {
          state.polygon = parse(field("polygon").value, null);
          if (state.polygon) { state.layer = L.geoJSON(state.polygon, { color: "#1d4fa8", weight: 2, fillOpacity: 0.08 }).addTo(map); }
          _ids(field("address_ids").value).forEach(function (id) { state.added[id] = true; });
          _ids(field("exclude_ids").value).forEach(function (id) { state.excluded[id] = true; });
          refresh();
        }
      });

    function _ids(text) { return (text || "").split(",").filter(function (value) { return /^\d+$/.test(value); }); }

    map.on("pm:create", function (event) {
      if (state.layer) { state.layer.remove(); }
      state.layer = event.layer;
      state.layer.options.interactive = false;
      state.polygon = event.layer.toGeoJSON().geometry;
      refresh();
    });
    document.getElementById("draw-area").addEventListener("click", function () {
      map.pm.enableDraw("Polygon", { snappable: false, continueDrawing: false, finishOn: "dblclick" });
      element.focus();
    });
    document.getElementById("clear-area").addEventListener("click", function () {
      map.pm.disableDraw();
      if (state.layer) { state.layer.remove(); }
      state.layer = null;
      state.polygon = null;
      state.added = {};
      state.excluded = {};
      refresh();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && map.pm.globalDrawModeEnabled()) { map.pm.disableDraw(); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "street") { refresh(); }
    });
    // The street list: filter by commune and by typed text (keyboard-first; no request).
    var search = document.getElementById("street-search");
    var commune = document.getElementById("street-commune");
    function filterStreets() {
      var text = search.value.trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      var place = commune ? commune.value : "";
      var shown = 0;
      form.querySelectorAll("li[data-street]").forEach(function (item) {
        var match = item.getAttribute("data-street").indexOf(text) !== -1 && (!place || item.getAttribute("data-commune") === place);
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      document.getElementById("street-count").textContent = shown;
    }
    search.addEventListener("input", filterStreets);
    if (commune) { commune.addEventListener("change", filterStreets); }
  }

  // The split page: draw a line across the turf; the form sends it (the ticked doors are the alternative).
  function split(element) {
    var form = document.getElementById("split-form");
    var handle = turf(element);
    var map = handle.map;
    drawingLanguage(map);
    var layer = null;
    map.on("pm:create", function (event) {
      if (layer) { layer.remove(); }
      layer = event.layer;
      form.querySelector("[name=line]").value = JSON.stringify(event.layer.toGeoJSON().geometry);
      document.getElementById("line-drawn").hidden = false;
    });
    document.getElementById("draw-line").addEventListener("click", function () {
      map.pm.enableDraw("Line", { snappable: false, finishOn: "dblclick" });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && map.pm.globalDrawModeEnabled()) { map.pm.disableDraw(); }
    });
  }

  window.OrganizerMap = { base: base, turf: turf, cut: cut, split: split };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map]").forEach(function (element) {
      var kind = element.getAttribute("data-map");
      if (kind === "turf") { turf(element, { showPosition: element.hasAttribute("data-show-position") }); }
      if (kind === "cut") { cut(element); }
      if (kind === "split") { split(element); }
    });
  });
})();
