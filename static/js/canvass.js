/* The canvasser's phone: my turfs -> walk list -> door, drawn from what the phone keeps (canvass-store.js),
   so it works in a stairwell with no signal. Every knock goes into a local queue under a key made here
   (a UUID); the queue is sent when the network returns (and on demand); the server accepts each key once. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("canvass-config").textContent);
  const S = cfg.strings;
  const store = window.canvassStore;
  const RESULTS = {};
  cfg.results.forEach((r) => { RESULTS[r.code] = r; });
  const root = document.querySelector("[data-testid=canvass-app]");
  const view = root.querySelector("[data-testid=canvass-view]");
  const statusText = root.querySelector("[data-testid=canvass-pending]");
  const sendButton = root.querySelector("[data-testid=canvass-send]");
  const toast = root.querySelector("[data-testid=canvass-toast]");
  const notices = root.querySelector("[data-testid=canvass-notices]");
  const refusedBox = root.querySelector("[data-testid=canvass-refused]");
  const DAY = 86400000;
  const UNDO_MS = 60000;
  let me = null;
  let signedOut = false;
  let syncing = null;
  let lastSaved = null; // {keys, at, household_id, label}
  let toastTimer = null;
  let tapStarted = null;

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => (name in params ? params[name] : ""));
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function localToday() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { day: "numeric", month: "long" });
  function formatDay(iso) {
    if (!iso) return "";
    const d = new Date(iso.length === 10 ? iso + "T12:00:00" : iso);
    return isNaN(d) ? "" : dateFormat.format(d);
  }

  function notice(text) {
    notices.append(el("p", { className: "flash flash-warning", text }));
  }

  function resultLabel(code) {
    const r = RESULTS[code];
    return r ? `${r.symbol} ${r.label}` : code;
  }

  function api(path, options) {
    return fetch(cfg.api + path, Object.assign({ credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } }, options || {}));
  }

  function isSignedOut(response) {
    return response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
  }

  // ------------------------------------------------------------------ what the phone keeps

  async function wipeTurfs() {
    for (const key of await store.keys("turfs")) await store.del("turfs", key);
    await store.put("meta", "turfs", []);
  }

  /* Personal data leaves the phone: at the end of an assignment, and after OFFLINE_DAYS without contact. */
  async function expire() {
    const contact = await store.get("meta", "contact");
    const days = (await store.get("meta", "offline_days")) || cfg.offline_days;
    if (contact && Date.now() - contact > days * DAY) {
      const kept = await store.keys("turfs");
      if (kept.length) { await wipeTurfs(); notice(S.wiped_stale); }
      return;
    }
    const today = localToday();
    let removed = false;
    for (const turf of await store.all("turfs")) {
      if (turf.until < today) { await store.del("turfs", turf.id); removed = true; }
    }
    const mine = (await store.get("meta", "turfs")) || [];
    const still = mine.filter((t) => t.until >= today);
    if (still.length !== mine.length) { await store.put("meta", "turfs", still); removed = true; }
    if (removed) notice(S.wiped_expired);
  }

  /* Online: who I am, a fresh token, my turfs; each assigned turf loaded for offline use, others forgotten. */
  async function refresh() {
    let response;
    try { response = await api("/me"); } catch (e) { return false; }
    if (isSignedOut(response)) { signedOut = true; me = null; await wipeTurfs(); updateStatus(); return false; }
    if (!response.ok) return false;
    me = await response.json();
    signedOut = false;
    const owner = await store.get("meta", "owner");
    if (owner && owner !== me.user_id) {
      // Another person signed in on this phone: nothing of the previous one stays.
      await store.wipe(false);
    }
    const assigned = new Set(me.turfs.map((t) => t.id));
    let removed = false;
    for (const key of await store.keys("turfs")) {
      if (!assigned.has(key)) { await store.del("turfs", key); removed = true; }
    }
    if (removed) notice(S.wiped_expired);
    await store.batch([
      ["meta", "owner", me.user_id],
      ["meta", "contact", Date.now()],
      ["meta", "offline_days", me.offline_days],
      ["meta", "turfs", me.turfs],
    ]);
    for (const turf of me.turfs) {
      try {
        const r = await api(`/turfs/${turf.id}`);
        if (r.ok) await store.put("turfs", turf.id, await r.json());
      } catch (e) { break; }
    }
    return true;
  }

  // ------------------------------------------------------------------ the queue

  async function queued() {
    return store.all("queue");
  }

  async function updateStatus() {
    const items = await queued();
    const pending = items.filter((i) => i.status === "pending").length;
    const parts = [];
    if (pending) parts.push(`${S.saved_local}, ${fmt(S.waiting, { num: pending })}`);
    else parts.push(S.all_sent);
    if (!navigator.onLine) parts.push(S.offline);
    if (signedOut) parts.push(S.signed_out);
    statusText.textContent = parts.join(" · ");
    root.dataset.pending = String(pending);
    sendButton.hidden = !pending || !navigator.onLine;
    drawRefused(items.filter((i) => i.status === "refused"));
  }

  function drawRefused(items) {
    refusedBox.replaceChildren();
    refusedBox.hidden = !items.length;
    if (!items.length) return;
    refusedBox.append(el("h2", { text: S.refused_title }));
    const list = el("ul", { className: "canvass-refused-list" });
    for (const item of items) {
      list.append(el("li", { "data-testid": "refused-item", "data-reason": item.reason },
        el("strong", { text: `${item.door_line} — ${resultLabel(item.result)}` }),
        el("p", { text: item.message || item.reason }),
        el("div", { className: "canvass-row" },
          el("button", { type: "button", className: "button", "data-action": "retry", "data-key": item.key, text: S.retry }),
          el("button", { type: "button", className: "button button-secondary", "data-action": "discard", "data-key": item.key, text: S.discard }))));
    }
    refusedBox.append(list);
  }

  async function sendBatch(items) {
    const body = JSON.stringify({ items: items.map(({ status, reason, message, owner, door_line, ...item }) => item) });
    const post = () => api("/sync", { method: "POST", body, headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": me.csrf } });
    let response = await post();
    if (response.status === 400 && (await refresh())) response = await post(); // an expired token: fetch a fresh one once
    if (isSignedOut(response)) { signedOut = true; return false; }
    if (!response.ok) return false;
    const answers = (await response.json()).answers || [];
    const byKey = new Map(items.map((i) => [i.key, i]));
    const writes = [];
    const turfs = new Map();
    for (const answer of answers) {
      const item = byKey.get(answer.key);
      if (!item) continue;
      if (answer.status === "saved" || answer.status === "duplicate") {
        writes.push(["queue", item.key, undefined], ["sent", item.key, { key: item.key, at: Date.now() }]);
        if (!turfs.has(item.turf_id)) turfs.set(item.turf_id, await store.get("turfs", item.turf_id));
        const turf = turfs.get(item.turf_id);
        const door = turf && turf.doors.find((d) => d.id === item.household_id);
        if (door) { door.last = { result: item.result, at: item.knocked_at }; door.done = true; }
      } else if (answer.status === "refused") {
        writes.push(["queue", item.key, Object.assign({}, item, { status: "refused", reason: answer.reason, message: answer.message })]);
      }
    }
    for (const [id, turf] of turfs) if (turf) writes.push(["turfs", id, turf]);
    if (writes.length) await store.batch(writes);
    return true;
  }

  /* Send what waits, 20 at a time; anything not answered stays for the next time. */
  function sync() {
    if (syncing) return syncing;
    syncing = (async () => {
      if (!navigator.onLine) return;
      if (!me && !(await refresh())) return;
      statusText.textContent = S.sending;
      const pending = (await queued()).filter((i) => i.status === "pending" && (!i.owner || i.owner === me.user_id));
      for (let start = 0; start < pending.length; start += 20) {
        let ok = false;
        try { ok = await sendBatch(pending.slice(start, start + 20)); } catch (e) { ok = false; }
        if (!ok) break;
      }
      await store.put("meta", "contact", Date.now());
    })().finally(() => { syncing = null; updateStatus(); if (route().name !== "door") render(); });
    return syncing;
  }

  // ------------------------------------------------------------------ recording a knock

  async function record(turf, doors, data) {
    const keys = [];
    const writes = [];
    const now = new Date().toISOString();
    for (const door of doors) {
      const key = uuid();
      keys.push(key);
      writes.push(["queue", key, Object.assign({
        key, turf_id: turf.id, household_id: door.id, knocked_at: now, status: "pending",
        owner: me ? me.user_id : await store.get("meta", "owner"), door_line: [door.line, door.details].filter(Boolean).join(", "),
      }, data)]);
    }
    await store.batch(writes);
    const label = doors.length === 1 ? doors[0].line : `${doors.length} ×`;
    lastSaved = { keys, at: Date.now(), household_id: doors[0].id, turf_id: turf.id };
    showToast(fmt(S.saved_at, { result: resultLabel(data.result), door: label }));
    updateStatus();
    setTimeout(() => sync(), 0); // after the next door is drawn
    return keys;
  }

  function showToast(text) {
    clearTimeout(toastTimer);
    toast.replaceChildren(el("span", { text }), " ",
      el("button", { type: "button", className: "button button-secondary", "data-action": "undo", "data-testid": "undo", text: S.undo }));
    toast.hidden = false;
    toastTimer = setTimeout(() => { toast.hidden = true; lastSaved = null; }, UNDO_MS);
  }

  async function undo() {
    if (!lastSaved || Date.now() - lastSaved.at > UNDO_MS) return;
    const { keys, household_id } = lastSaved;
    lastSaved = null;
    clearTimeout(toastTimer);
    const sent = [];
    for (const key of keys) {
      if (await store.get("queue", key)) await store.del("queue", key);
      else sent.push(key);
    }
    let kept = sent.length;
    if (sent.length && me) {
      try {
        const response = await api("/undo", { method: "POST", body: JSON.stringify({ keys: sent }), headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": me.csrf } });
        if (response.ok) kept -= ((await response.json()).undone || []).length;
      } catch (e) { /* no connection: what was sent stays, and the canvasser is told so */ }
    }
    toast.replaceChildren(el("span", { "data-testid": "undo-result", text: kept ? S.undo_failed : S.undone }));
    toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
    await updateStatus();
    if (keys.length === 1) go(`door/${household_id}`);
    else render();
  }

  // ------------------------------------------------------------------ pages

  function route() {
    const rest = location.pathname.slice(cfg.base.length).replace(/\/$/, "");
    let m = rest.match(/^turf\/(\d+)$/);
    if (m) return { name: "turf", id: Number(m[1]) };
    m = rest.match(/^door\/(\d+)$/) || location.pathname.match(/^\/turfs\/door\/(\d+)$/);
    if (m) return { name: "door", id: Number(m[1]) };
    return { name: "home" };
  }

  function go(path) {
    history.pushState(null, "", cfg.base + path);
    return render();
  }

  async function pendingByDoor() {
    const map = new Map();
    for (const item of await queued()) map.set(item.household_id, item);
    return map;
  }

  async function render() {
    const r = route();
    if (r.name === "turf") await renderTurf(r.id);
    else if (r.name === "door") await renderDoor(r.id);
    else await renderHome();
    if (tapStarted !== null) {
      // Tap to next door drawn, measured on the phone (the browser test reads it).
      root.dataset.lastTapMs = String(Math.round(performance.now() - tapStarted));
      tapStarted = null;
    }
  }

  async function renderHome() {
    const mine = (await store.get("meta", "turfs")) || [];
    const pending = await pendingByDoor();
    const kept = new Map((await store.all("turfs")).map((t) => [t.id, t]));
    const page = [el("h1", { text: S.my_turfs })];
    if (!mine.length) page.push(el("p", { className: "lead", text: navigator.onLine ? S.no_turfs : S.no_turfs_offline }));
    const list = el("ul", { className: "canvass-turfs" });
    for (const t of mine) {
      const turf = kept.get(t.id);
      let done = t.done;
      let doors = t.doors;
      if (turf) {
        doors = turf.doors.length;
        done = turf.doors.filter((d) => d.done || pending.has(d.id)).length;
      }
      list.append(el("li", { className: "card canvass-turf", "data-testid": "my-turf" },
        el("h2", {}, el("a", { href: `${cfg.base}turf/${t.id}`, "data-nav": `turf/${t.id}`, text: t.name })),
        el("p", { className: "canvass-counts" },
          el("strong", { "data-testid": "doors-left", text: String(doors - done) }), ` ${S.doors_left} · `,
          el("span", { "data-testid": "doors-done", text: String(done) }), ` ${S.doors_done} · ${S.until} ${formatDay(t.until)}`),
        el("a", { className: "button canvass-big", href: `${cfg.base}turf/${t.id}`, "data-nav": `turf/${t.id}`, text: S.open_list })));
    }
    page.push(list);
    view.replaceChildren(...page);
    document.title = S.my_turfs;
  }

  function lastLine(door, pendingItem) {
    if (pendingItem) {
      const text = pendingItem.status === "refused" ? `⚠ ${resultLabel(pendingItem.result)}` : `${resultLabel(pendingItem.result)} · ${S.saved_local}`;
      return el("p", { className: `canvass-last result-${pendingItem.result}`, "data-testid": "door-last", text });
    }
    if (!door.last) return el("p", { className: "canvass-last", "data-testid": "door-last", text: S.never });
    return el("p", { className: `canvass-last result-${door.last.result}`, "data-testid": "door-last", text: `${S.last} ${resultLabel(door.last.result)}, ${formatDay(door.last.at)}` });
  }

  function groupKey(door) { return `${door.line}|${door.group[0]}`; }

  async function renderTurf(id) {
    const turf = await store.get("turfs", id);
    if (!turf) { view.replaceChildren(el("p", { className: "lead", text: S.door_unknown }), backLink("", S.back_to_turfs)); return; }
    const pending = await pendingByDoor();
    const page = [backLink("", S.back_to_turfs), el("h1", { text: turf.name })];
    if (turf.script) page.push(el("details", { className: "canvass-script" }, el("summary", { text: S.script }), el("p", { text: turf.script })));
    const list = el("div", { className: "canvass-walk", "data-testid": "walk-list" });
    let address = null;
    let stair = null;
    let floor = null;
    for (const door of turf.doors) {
      if (door.line !== address) {
        address = door.line; stair = null; floor = null;
        list.append(el("h2", { className: "canvass-address", text: door.line }));
      }
      if (door.group[0] && groupKey(door) !== stair) {
        stair = groupKey(door); floor = null;
        const members = turf.doors.filter((d) => groupKey(d) === stair);
        list.append(el("div", { className: "canvass-group" }, el("h3", { text: door.group[0] }),
          members.length > 1 ? el("button", { type: "button", className: "button button-secondary", "data-action": "group", "data-level": "stair", "data-door": door.id, "data-testid": "whole-stair", text: `${RESULTS.not_home.symbol} ${S.whole_stair}` }) : null));
      }
      const floorKey = `${groupKey(door)}|${door.group[1]}`;
      if (door.group[1] && floorKey !== floor) {
        floor = floorKey;
        const members = turf.doors.filter((d) => `${groupKey(d)}|${d.group[1]}` === floor);
        list.append(el("div", { className: "canvass-group canvass-floor" }, el("h4", { text: door.group[1] }),
          members.length > 1 ? el("button", { type: "button", className: "button button-secondary", "data-action": "group", "data-level": "floor", "data-door": door.id, "data-testid": "whole-floor", text: `${RESULTS.not_home.symbol} ${S.whole_floor}` }) : null));
      }
      list.append(doorCard(door, pending.get(door.id)));
    }
    page.push(list);
    view.replaceChildren(...page);
    document.title = turf.name;
  }

  function doorCard(door, pendingItem) {
    const card = el("section", { className: "card canvass-door", id: `door-${door.id}`, "data-testid": "door", "data-door": door.id },
      el("h3", {}, el("a", { href: `${cfg.base}door/${door.id}`, "data-nav": `door/${door.id}`, text: door.details || door.line })),
      door.residents.length ? el("p", { className: "canvass-residents", text: door.residents.map((r) => r.name).join(", ") }) : null,
      lastLine(door, pendingItem));
    if (door.do_not_knock) { card.append(el("p", { className: "canvass-dnk", text: `⊗ ${S.do_not_knock}` })); return card; }
    const row = el("div", { className: "canvass-results canvass-quick" });
    for (const r of cfg.results.filter((x) => x.quick)) {
      row.append(el("button", { type: "button", className: `button result-button result-${r.code}`, "data-action": "quick", "data-result": r.code, "data-door": door.id, text: `${r.symbol} ${r.label}` }));
    }
    row.append(el("a", { className: "button result-button result-talked", href: `${cfg.base}door/${door.id}`, "data-nav": `door/${door.id}`, text: `${RESULTS.talked.symbol} ${RESULTS.talked.label}…` }));
    card.append(row);
    return card;
  }

  function backLink(path, text) {
    return el("p", { className: "canvass-back" }, el("a", { href: cfg.base + path, "data-nav": path, text: `← ${text}` }));
  }

  async function findDoor(householdId) {
    for (const turf of await store.all("turfs")) {
      const index = turf.doors.findIndex((d) => d.id === householdId);
      if (index >= 0) return { turf, index, door: turf.doors[index] };
    }
    return null;
  }

  function nextDoor(turf, index) {
    for (let i = index + 1; i < turf.doors.length; i += 1) if (!turf.doors[i].do_not_knock) return turf.doors[i];
    return null;
  }

  async function renderDoor(householdId) {
    const found = await findDoor(householdId);
    if (!found) {
      // Not one of my turfs (an organizer scanning a sheet): the office's door page answers, online.
      if (navigator.onLine && location.pathname.startsWith(cfg.base)) { location.replace(`/turfs/door/${householdId}`); return; }
      view.replaceChildren(el("p", { className: "lead", text: S.door_unknown }), backLink("", S.back_to_turfs));
      return;
    }
    const { turf, door } = found;
    const pending = (await pendingByDoor()).get(door.id);
    const form = el("form", { className: "canvass-door-form", "data-door": door.id, "data-turf": turf.id, novalidate: true });
    const head = el("div", { className: "canvass-door-head" },
      el("p", { className: "canvass-back" }, el("a", { href: `${cfg.base}turf/${turf.id}`, "data-nav": `turf/${turf.id}`, text: `← ${turf.name}` }), ` · ${door.short}`),
      el("h1", { text: door.line }),
      door.details ? el("p", { className: "canvass-details", text: door.details }) : null,
      door.access ? el("p", { className: "canvass-details", text: `${S.access} ${door.access}` }) : null,
      door.residents.length ? el("p", { className: "canvass-residents", text: door.residents.map((r) => r.name).join(", ") }) : null,
      lastLine(door, pending));
    if (door.do_not_knock) {
      view.replaceChildren(head, el("p", { className: "canvass-dnk", text: `⊗ ${S.do_not_knock}` }));
      return;
    }
    const results = el("fieldset", { className: "canvass-results canvass-all" }, el("legend", { text: S.result }));
    for (const r of cfg.results) {
      results.append(el("button", { type: "button", className: `button result-button result-${r.code}`, "data-action": "result", "data-result": r.code, "data-testid": `result-${r.code}`, "aria-pressed": "false", text: `${r.symbol} ${r.label}` }));
    }
    const who = el("fieldset", { className: "canvass-choices" }, el("legend", { text: S.who_answered }));
    const choice = (value, label, checked) => el("label", { className: "canvass-choice" },
      el("input", { type: "radio", name: "answered", value, checked }), ` ${label}`);
    for (const r of door.residents) who.append(choice(String(r.id), r.name, false));
    who.append(choice("", S.nobody_named, true), choice("other", S.someone_else, false), choice("new", S.the_new_person, false));
    const parts = [results, who];
    if (cfg.support_enabled) {
      const support = el("fieldset", { className: "canvass-choices canvass-support" }, el("legend", { text: S.support }));
      for (const n of [1, 2, 3, 4, 5]) support.append(el("label", { className: "canvass-choice" }, el("input", { type: "radio", name: "support", value: String(n) }), ` ${n}`));
      parts.push(support);
    }
    const issues = el("fieldset", { className: "canvass-choices canvass-issues" }, el("legend", { text: S.issues }));
    for (const issue of turf.issues) {
      issues.append(el("label", { className: "canvass-choice" }, el("input", { type: "checkbox", name: "issue", value: String(issue.id) }), ` ${issue.name}`));
    }
    issues.append(el("label", { className: "canvass-field" }, S.new_issue, el("input", { type: "text", name: "new_issue", maxlength: "120", autocomplete: "off" })));
    parts.push(issues);
    parts.push(el("label", { className: "canvass-field" }, S.note, el("textarea", { name: "note", rows: "3", maxlength: "2000" })));
    parts.push(el("label", { className: "canvass-choice" }, el("input", { type: "checkbox", name: "follow_up", value: "1" }), ` ${S.follow_up}`));
    const consent = el("select", { name: "consent_basis" });
    for (const [code, label] of cfg.consent) consent.append(el("option", { value: code, text: label }));
    parts.push(el("details", { className: "canvass-new-person", "data-testid": "new-person" }, el("summary", { text: S.new_person }),
      el("label", { className: "canvass-field" }, S.first_name, el("input", { type: "text", name: "first_name", maxlength: "100", autocomplete: "off" })),
      el("label", { className: "canvass-field" }, S.last_name, el("input", { type: "text", name: "last_name", maxlength: "100", autocomplete: "off" })),
      el("label", { className: "canvass-field" }, S.phone, el("input", { type: "tel", name: "phone", maxlength: "40", autocomplete: "off" })),
      el("label", { className: "canvass-field" }, S.email, el("input", { type: "email", name: "email", maxlength: "254", autocomplete: "off" })),
      el("label", { className: "canvass-field" }, S.consent_basis, consent),
      el("label", { className: "canvass-field" }, S.consent_method, el("input", { type: "text", name: "consent_method", maxlength: "200", value: S.consent_method_default }))));
    parts.push(el("p", { className: "canvass-error", role: "alert", "data-testid": "door-error", hidden: true }));
    parts.push(el("button", { type: "submit", className: "button canvass-big canvass-save", "data-testid": "save-next", text: S.save_next }));
    form.append(head, ...parts);
    view.replaceChildren(form);
    document.title = door.line;
    window.scrollTo(0, 0);
  }

  function readDoorForm(form, result) {
    const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    const answered = (form.querySelector("input[name=answered]:checked") || {}).value || "";
    const data = {
      result,
      resident_id: /^\d+$/.test(answered) ? Number(answered) : null,
      answered: /^\d+$/.test(answered) ? "resident" : answered,
      support: result === "talked" ? ((form.querySelector("input[name=support]:checked") || {}).value || null) : null,
      issue_ids: Array.from(form.querySelectorAll("input[name=issue]:checked"), (i) => Number(i.value)),
      new_issues: value("new_issue") ? [value("new_issue")] : [],
      note: value("note"),
      follow_up: form.elements.follow_up.checked,
      new_person: null,
    };
    const first = value("first_name");
    const last = value("last_name");
    if (first || last || answered === "new") {
      if (!first || !last || !value("consent_method")) return { error: S.need_new_person };
      data.new_person = { first_name: first, last_name: last, phone: value("phone"), email: value("email"), consent_basis: value("consent_basis"), consent_method: value("consent_method") };
    }
    return { data };
  }

  async function saveDoor(form, result) {
    const householdId = Number(form.dataset.door);
    const found = await findDoor(householdId);
    if (!found) return;
    const { data, error } = readDoorForm(form, result);
    const box = form.querySelector("[data-testid=door-error]");
    if (error) { box.textContent = error; box.hidden = false; box.scrollIntoView(); return; }
    await record(found.turf, [found.door], data);
    const next = nextDoor(found.turf, found.index);
    if (next) await go(`door/${next.id}`);
    else { showToast(S.last_door); await go(`turf/${found.turf.id}`); }
  }

  // ------------------------------------------------------------------ taps

  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-nav]");
    if (link && !event.ctrlKey && !event.metaKey) { event.preventDefault(); await go(link.dataset.nav); return; }
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "result") {
      const form = button.closest("form");
      if (button.dataset.result === "talked") {
        form.querySelectorAll("[data-action=result]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        form.dataset.result = "talked";
        form.querySelector("input[name=answered]").focus();
        return;
      }
      tapStarted = performance.now();
      await saveDoor(form, button.dataset.result);
    } else if (action === "quick") {
      tapStarted = performance.now();
      const found = await findDoor(Number(button.dataset.door));
      await record(found.turf, [found.door], { result: button.dataset.result });
      await render();
      const next = nextDoor(found.turf, found.index);
      const card = next && document.getElementById(`door-${next.id}`);
      if (card) card.scrollIntoView({ block: "center" });
    } else if (action === "group") {
      const found = await findDoor(Number(button.dataset.door));
      const level = button.dataset.level;
      const pending = await pendingByDoor();
      const same = (d) => groupKey(d) === groupKey(found.door) && (level === "stair" || d.group[1] === found.door.group[1]);
      const doors = found.turf.doors.filter((d) => same(d) && !d.do_not_knock && !d.done && !pending.has(d.id));
      if (doors.length) await record(found.turf, doors, { result: "not_home" });
      await render();
    } else if (action === "undo") {
      await undo();
    } else if (action === "retry") {
      const item = await store.get("queue", button.dataset.key);
      if (item) await store.put("queue", item.key, Object.assign(item, { status: "pending", reason: null, message: null }));
      await updateStatus();
      sync();
    } else if (action === "discard") {
      await store.del("queue", button.dataset.key);
      await updateStatus();
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.classList.contains("canvass-door-form")) {
      event.preventDefault();
      if (!form.dataset.result) {
        const box = form.querySelector("[data-testid=door-error]");
        box.textContent = S.need_result; box.hidden = false;
        form.querySelector("[data-action=result]").focus();
        return;
      }
      tapStarted = performance.now();
      await saveDoor(form, form.dataset.result);
    }
  });

  /* Sign-out: send what waits, warn about what could not be sent, then forget everything kept here. */
  function hookSignOut() {
    const form = document.querySelector("form[action$='/logout']");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      if (form.dataset.wiped) return;
      event.preventDefault();
      await sync();
      const pending = (await queued()).length;
      if (pending && !window.confirm(fmt(S.signout_pending, { num: pending }))) return;
      await store.wipe();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("wipe");
      if (me) form.querySelector("input[name=csrf_token]").value = me.csrf;
      form.dataset.wiped = "1";
      form.requestSubmit();
    });
  }

  sendButton.addEventListener("click", () => sync());
  window.addEventListener("online", async () => { await refresh(); await sync(); });
  window.addEventListener("offline", () => updateStatus());
  window.addEventListener("popstate", () => render());

  async function boot() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(cfg.sw, { scope: "/" }).catch(() => null);
    }
    hookSignOut();
    // Ask the browser not to evict what is kept here under storage pressure (unsent knocks among it).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null);
    await expire();
    await render();
    await updateStatus();
    if (navigator.onLine && (await refresh())) {
      await render();
      await sync();
    }
    root.dataset.ready = "1";
    setInterval(() => { if (navigator.onLine) sync(); }, 30000);
  }
  boot();
})();
