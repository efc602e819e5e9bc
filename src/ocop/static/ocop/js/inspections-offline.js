/* Inspections without a signal. Registers the service worker (served from
   /inspections/sw.js, scope /inspections/), keeps the assigned visits' pages
   in its cache (the "My visits" list), and on a visit page keeps the checklist
   answers typed without a signal in IndexedDB, each set with a client id;
   when the phone is back online each set is sent once to the visit's sync
   URL. A set the server refuses because the visit was closed meanwhile stays
   on the phone, and the inspector is told. No inline script: hooked by data-*
   attributes. */
"use strict";
(function () {
  const CACHE = "ocop-inspections-v1";
  const DB = "ocop-inspections";
  const STORE = "pending";
  const PHOTOS = "photos";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 2);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of [STORE, PHOTOS]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: "clientId" });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function tx(mode, work, name) {
    const storeName = name || STORE;
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(storeName, mode);
      const result = work(t.objectStore(storeName));
      t.oncomplete = () => resolve(result && result.result !== undefined ? result.result : undefined);
      t.onerror = () => reject(t.error);
    }));
  }

  const putPending = (entry) => tx("readwrite", (store) => store.put(entry));
  const dropPending = (id) => tx("readwrite", (store) => store.delete(id));
  const allPending = () => tx("readonly", (store) => store.getAll());
  const putPhoto = (entry) => tx("readwrite", (store) => store.put(entry), PHOTOS);
  const dropPhoto = (id) => tx("readwrite", (store) => store.delete(id), PHOTOS);
  const allPhotos = () => tx("readonly", (store) => store.getAll(), PHOTOS);

  function newId() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function say(box, text, kind) {
    if (!box) return;
    box.textContent = text;
    box.className = "alert alert-" + kind;
    box.hidden = false;
  }

  function register() {
    const root = document.querySelector("[data-offline-sw]");
    if (!root || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root.dataset.offlineSw).catch(() => {});
  }

  function precache() {
    const links = Array.from(document.querySelectorAll("[data-offline-visit]")).map((a) => a.href);
    if (!links.length || !("caches" in self) || !navigator.onLine) return;
    caches.open(CACHE).then((cache) => Promise.all(links.map((url) =>
      fetch(url, { credentials: "same-origin" }).then((r) => (r.ok ? cache.put(url, r) : null)).catch(() => null)
    )));
  }

  function answersOf(form) {
    const data = new FormData(form);
    const answers = {};
    for (const [name, value] of data.entries()) {
      if (name.startsWith("r_") && value) {
        const code = name.slice(2);
        answers[code] = [value, String(data.get("n_" + code) || "")];
      }
    }
    return { answers: answers, notes: String(data.get("notes") || "") };
  }

  function sendPhotos(box) {
    return allPhotos().then((entries) => entries.reduce((chain, entry) => chain.then(() => {
      if (entry.refused) return null;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", entry.csrf);
      body.append("client_id", entry.clientId);
      body.append("caption", entry.caption);
      body.append("photo", entry.blob, entry.name);
      return fetch(entry.url, { method: "POST", credentials: "same-origin", body: body })
        .then((response) => {
          if (response.ok && response.redirected) {
            return dropPhoto(entry.clientId).then(() => say(box, entry.sent, "success"));
          }
          entry.refused = entry.failed;
          return putPhoto(entry).then(() => say(box, entry.failed, "danger"));
        })
        .catch(() => null);
    }), Promise.resolve()));
  }

  function sync(box) {
    return sendAnswers(box).then(() => sendPhotos(box));
  }

  function sendAnswers(box) {
    return allPending().then((entries) => entries.reduce((chain, entry) => chain.then(() => {
      if (entry.refused) return null;
      return fetch(entry.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": entry.csrf },
        body: JSON.stringify({ client_id: entry.clientId, answers: entry.answers, notes: entry.notes }),
      }).then((response) => response.json().then((body) => {
        if (response.ok) {
          return dropPending(entry.clientId).then(() => say(box, body.message, "success"));
        }
        if (response.status === 409) {
          entry.refused = body.message;
          return putPending(entry).then(() => say(box, body.message, "danger"));
        }
        return say(box, body.message || "", "warning");
      })).catch(() => null);
    }), Promise.resolve()));
  }

  function visitPage() {
    const form = document.querySelector("form[data-offline-answers]");
    const box = document.getElementById("offline-status");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
      const entry = Object.assign(answersOf(form), {
        clientId: newId(),
        url: form.dataset.offlineAnswers,
        csrf: csrf ? csrf.value : "",
        savedAt: new Date().toISOString(),
      });
      putPending(entry).then(() => say(box, form.dataset.offlineSaved, "info"));
    });
    const photoForm = document.querySelector("form[data-offline-photo]");
    if (photoForm) {
      photoForm.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        const input = photoForm.querySelector("input[type=file]");
        if (!input || !input.files.length) return;
        event.preventDefault();
        const file = input.files[0];
        const csrf = photoForm.querySelector("input[name=csrfmiddlewaretoken]");
        const caption = photoForm.querySelector("input[name=caption]");
        putPhoto({
          clientId: newId(),
          url: photoForm.action,
          csrf: csrf ? csrf.value : "",
          caption: caption ? caption.value : "",
          blob: file,
          name: file.name,
          sent: photoForm.dataset.offlineSent,
          failed: photoForm.dataset.offlineFailed,
        }).then(() => say(box, photoForm.dataset.offlinePhoto, "info"));
      });
    }
    window.addEventListener("online", () => sync(box));
    allPending().then((entries) => {
      const refused = entries.filter((e) => e.refused && e.url === form.dataset.offlineAnswers);
      if (refused.length) say(box, refused[0].refused, "danger");
      else if (entries.length && !navigator.onLine) say(box, form.dataset.offlineSaved, "info");
    });
    if (navigator.onLine) sync(box);
  }

  // The place of a photo only when the representative agreed (the tick).
  function locateOnConsent() {
    const form = document.querySelector("form[data-geo-consent]");
    if (!form || !("geolocation" in navigator)) return;
    const tick = form.querySelector("input[name=location_consent]");
    const lat = form.querySelector("input[name=latitude]");
    const lon = form.querySelector("input[name=longitude]");
    if (!tick || !lat || !lon) return;
    tick.addEventListener("change", () => {
      lat.value = "";
      lon.value = "";
      if (!tick.checked) return;
      navigator.geolocation.getCurrentPosition((position) => {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
      }, () => {}, { maximumAge: 60000, timeout: 10000 });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    locateOnConsent();
    register();
    precache();
    visitPage();
  });
})();
