/* The member's scoring sheet without a signal (the approach of
   inspections-offline.js). Registers the service worker served from
   /evaluation/sw.js (network first, cached copy without a signal), so that a
   sheet opened once online opens again offline. Without a signal the
   autosave of an answer or of the comment is not sent: the sheet's unsent
   answers are kept in IndexedDB (one entry per sheet, with a client id; the
   last choice per criterion wins) and the page says "not sent yet". When the
   phone is back online the entry is sent once to the sheet's sync URL. If the
   server refuses (409: the session was closed, the sheet submitted or the
   round is over meanwhile) the entry stays on the phone, the member is told,
   and it is removed only when the member confirms having seen the message.
   No inline script: hooked by data-* attributes. */
"use strict";
(function () {
  const DB = "ocop-scoring";
  const STORE = "pending";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "url" });
      };
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

  const getPending = (url) => tx("readonly", (store) => store.get(url));
  const putPending = (entry) => tx("readwrite", (store) => store.put(entry));
  const dropPending = (url) => tx("readwrite", (store) => store.delete(url));

  function newId() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function register() {
    const root = document.querySelector("[data-offline-sw]");
    if (!root || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root.dataset.offlineSw).catch(() => {});
  }

  function say(box, text, kind, ack) {
    if (!box) return;
    box.textContent = text;
    box.className = "alert alert-" + kind;
    box.hidden = false;
    if (ack) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-danger ms-2";
      button.id = "offline-ack";
      button.textContent = ack.label;
      button.addEventListener("click", () => ack.done().then(() => { box.hidden = true; }));
      box.appendChild(button);
    }
  }

  // What the member chose for a criterion (a fieldset) or the comment.
  function readChange(elt) {
    if (elt.id === "comment") return { comment: elt.value };
    const fieldset = elt.closest("fieldset.criterion");
    if (!fieldset) return null;
    const code = fieldset.id.replace(/^criterion-/, "");
    const inputs = Array.from(fieldset.querySelectorAll("input[name='c-" + CSS.escape(code) + "']"));
    const boxes = inputs.filter((i) => i.type === "checkbox" || i.type === "radio");
    if (boxes.length) return { code: code, answer: { options: boxes.filter((i) => i.checked).map((i) => i.value) } };
    return { code: code, answer: { options: [], value: inputs.length ? inputs[0].value : "" } };
  }

  function sheetPage() {
    const root = document.getElementById("scoring-offline");
    const box = document.getElementById("offline-status");
    if (!root) return;
    const url = root.dataset.sync;
    const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    const csrf = csrfInput ? csrfInput.value : "";

    function showPending() {
      const status = document.getElementById("save-status");
      if (status) status.textContent = root.dataset.pending;
      say(box, root.dataset.pending, "info");
    }

    function keep(change) {
      return getPending(url).then((found) => {
        const entry = found || { url: url, clientId: newId(), answers: {}, comment: null };
        if (entry.sending) entry.clientId = newId();
        entry.sending = false;
        if (change.code) entry.answers[change.code] = change.answer;
        if (change.comment !== undefined) entry.comment = change.comment;
        entry.csrf = csrf;
        entry.savedAt = new Date().toISOString();
        return putPending(entry);
      }).then(showPending);
    }

    function refused(entry) {
      say(box, entry.refused, "danger", {
        label: root.dataset.ack,
        done: () => dropPending(url),
      });
    }

    let syncing = false;
    function sync() {
      if (syncing || !navigator.onLine) return Promise.resolve();
      syncing = true;
      return getPending(url).then((entry) => {
        if (!entry) return null;
        if (entry.refused) {
          if (!document.getElementById("offline-ack")) refused(entry);
          return null;
        }
        const clientId = entry.clientId;
        entry.sending = true;
        return putPending(entry).then(() => fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || entry.csrf },
          body: JSON.stringify({ client_id: clientId, answers: entry.answers, comment: entry.comment }),
        }).then((response) => response.json().then((body) => getPending(url).then((now) => {
          const changed = now && now.clientId !== clientId;
          if (response.ok) {
            const totals = document.getElementById("totals");
            if (totals && body.totals) totals.outerHTML = body.totals;
            const status = document.getElementById("save-status");
            if (status) status.textContent = body.message;
            say(box, body.message, "success");
            return changed ? sync() : dropPending(url);
          }
          if (response.status === 409 && now) {
            now.refused = body.message;
            return putPending(now).then(() => refused(now));
          }
          return say(box, body.message || "", "warning");
        })))).catch(() => null);
      }).finally(() => { syncing = false; });
    }

    // The autosave (htmx) of a criterion or of the comment: without a signal
    // it is kept here instead of being sent.
    document.body.addEventListener("htmx:confirm", (event) => {
      if (navigator.onLine) return;
      const change = readChange(event.detail.elt);
      if (!change) return;
      event.preventDefault();
      keep(change);
    });
    document.body.addEventListener("htmx:sendError", (event) => {
      const change = readChange(event.detail.elt);
      if (change) keep(change);
    });
    document.querySelectorAll("#submit-form, #scoring-form").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        say(box, root.dataset.noSubmit, "warning");
      });
    });
    window.addEventListener("online", () => { sync(); });
    // A send that failed with the phone believing it is online (a weak
    // signal) is retried now and then.
    setInterval(() => { sync(); }, 30000);
    getPending(url).then((entry) => {
      if (!entry) return null;
      if (entry.refused) return refused(entry);
      if (!navigator.onLine) return showPending();
      return sync();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    register();
    sheetPage();
  });
})();
