/* Organizer walk list: service worker, served from the site root. It keeps the app shell (no personal data)
   so the walk list opens with no signal: /canvass/... pages, and the door URL printed in older walk sheets'
   QR codes (/turfs/door/N), which falls back to the shell's door page offline. Turfs, residents and the queue
   of knocks live in IndexedDB, written by canvass.js. Every other request (office pages, the JSON API) goes
   to the network untouched and is never stored. */
const VERSION = {{ version|tojson }};
const CACHE = "canvass-shell-" + VERSION;
const SHELL = {{ shell|tojson }};
const ASSETS = {{ assets|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(ASSETS).then(() =>
        // The shell itself, only when it comes back as itself (signed out, it is the sign-in page).
        fetch(SHELL, { credentials: "same-origin" })
          .then((response) => (response.ok && !response.redirected ? cache.put(SHELL, response) : null))
          .catch(() => null)))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("canvass-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  // Sign-out: forget the cached shell too (it names the turfs' pages).
  if (event.data === "wipe") event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
});

const PRINTED_DOOR = /^\/turfs\/door\/\d+$/;

function isShellPage(url, request) {
  return request.mode === "navigate" && (url.pathname.startsWith(SHELL) || PRINTED_DOOR.test(url.pathname));
}

/* Sign-out from any page (an office page too): the turfs kept on the phone are deleted as the request
   leaves. Knocks not yet sent stay in their queue (the walk list's own sign-out sends them first, or warns). */
function forgetTurfs() {
  return new Promise((resolve) => {
    const open = indexedDB.open("organizer-canvass");
    open.onupgradeneeded = () => { open.transaction.abort(); };
    open.onerror = () => resolve();
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("turfs")) { db.close(); resolve(); return; }
      const tx = db.transaction(["turfs", "meta"], "readwrite");
      tx.objectStore("turfs").clear();
      tx.objectStore("meta").delete("turfs");
      tx.objectStore("meta").delete("contact");
      tx.oncomplete = tx.onerror = tx.onabort = () => { db.close(); resolve(); };
    };
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === {{ logout|tojson }}) {
    event.waitUntil(forgetTurfs());
    return;
  }
  if (request.method !== "GET") return;
  if (isShellPage(url, request)) {
    // Network first (fresh language, fresh token); with no signal, the shell kept at the last visit.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected && url.pathname.startsWith(SHELL)) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.open(CACHE).then((cache) => cache.match(SHELL)).then((hit) => hit || Response.error()))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit || fetch(request)))
    );
  }
  // Everything else (the JSON API, other pages) goes to the network untouched and is never stored.
});
