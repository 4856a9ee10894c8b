/* The phone's storage for the walk list: a small promise wrapper around IndexedDB (no library).
   Stores: "meta" (owner, last contact with the server, my turfs), "turfs" (one walk list per turf),
   "queue" (knocks not yet accepted by the server, keyed by the UUID made on the phone),
   "sent" (keys sent in the last minute, for "back"). */
(function () {
  "use strict";
  const NAME = "organizer-canvass";
  const STORES = ["meta", "turfs", "queue", "sent"];
  let opening = null;
  // After sign-out nothing may bring the database back (a late redraw or a timer): reads find nothing.
  let wiped = false;

  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const store of STORES) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab deleting the database (sign-out) closes ours instead of blocking it.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });
    return opening;
  }

  function run(store, mode, work) {
    if (wiped) return Promise.resolve(undefined);
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const result = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    }));
  }

  const store = {
    get: (name, key) => run(name, "readonly", (s) => s.get(key)),
    put: (name, key, value) => run(name, "readwrite", (s) => { s.put(value, key); }),
    del: (name, key) => run(name, "readwrite", (s) => { s.delete(key); }),
    clear: (name) => run(name, "readwrite", (s) => { s.clear(); }),
    all: (name) => run(name, "readonly", (s) => s.getAll()).then((r) => r || []),
    keys: (name) => run(name, "readonly", (s) => s.getAllKeys()).then((r) => r || []),
    /* Several writes in one transaction: [[store, key, value or undefined to delete], ...]. */
    batch: (writes) => (wiped ? Promise.resolve() : open()).then((db) => db && new Promise((resolve, reject) => {
      const names = Array.from(new Set(writes.map((w) => w[0])));
      const tx = db.transaction(names, "readwrite");
      for (const [name, key, value] of writes) {
        if (value === undefined) tx.objectStore(name).delete(key);
        else tx.objectStore(name).put(value, key);
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    })),
    /* Everything gone: the database itself is deleted; at sign-out (`final`) it stays gone for this page. */
    wipe: (final = true) => open().then((db) => { wiped = final; db.close(); opening = null; }).catch(() => null).then(() => new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    })),
  };
  window.canvassStore = store;
})();
