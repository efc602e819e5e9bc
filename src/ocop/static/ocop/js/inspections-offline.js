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

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "clientId" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function tx(mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && result.result !== undefined ? result.result : undefined);
      t.onerror = () => reject(t.error);
    }));
  }

  const putPending = (entry) => tx("readwrite", (store) => store.put(entry));
  const dropPending = (id) => tx("readwrite", (store) => store.delete(id));
  const allPending = () => tx("readonly", (store) => store.getAll());

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

  function sync(box) {
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
    window.addEventListener("online", () => sync(box));
    allPending().then((entries) => {
      const refused = entries.filter((e) => e.refused && e.url === form.dataset.offlineAnswers);
      if (refused.length) say(box, refused[0].refused, "danger");
      else if (entries.length && !navigator.onLine) say(box, form.dataset.offlineSaved, "info");
    });
    if (navigator.onLine) sync(box);
  }

  document.addEventListener("DOMContentLoaded", () => {
    register();
    precache();
    visitPage();
  });
})();
