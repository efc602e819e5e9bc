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
   After a reload the answers still on the phone are painted back into the
   form, each marked "not sent yet". Submitting without a signal asks for
   confirmation on the page, keeps the submission with the answers, and sends
   it after them, once, when the signal is back.
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
    const panel = document.getElementById("offline-submit-confirm");

    function showPending() {
      const status = document.getElementById("save-status");
      if (status) status.textContent = root.dataset.pending;
      say(box, root.dataset.pending, "info");
    }

    // A criterion whose answer is only on this phone carries a mark.
    function mark(code) {
      const fieldset = document.getElementById("criterion-" + code);
      if (!fieldset || fieldset.querySelector(".pending-mark")) return;
      const badge = document.createElement("span");
      badge.className = "badge text-bg-warning ms-1 pending-mark";
      badge.textContent = root.dataset.mark;
      (fieldset.querySelector("legend") || fieldset).appendChild(badge);
    }

    function clearMarks() {
      document.querySelectorAll(".pending-mark").forEach((badge) => badge.remove());
    }

    // No more changes once a submission waits on the phone (or is done).
    function lock(locked) {
      document.querySelectorAll("#scoring-form input, #scoring-form button, #submit-form textarea, #submit-form button")
        .forEach((input) => { input.disabled = locked; });
    }

    // After a reload, the answers still on the phone are shown in the form.
    function repaint(entry) {
      Object.keys(entry.answers || {}).forEach((code) => {
        const fieldset = document.getElementById("criterion-" + code);
        if (!fieldset) return;
        const answer = entry.answers[code];
        const inputs = Array.from(fieldset.querySelectorAll("input[name='c-" + CSS.escape(code) + "']"));
        inputs.forEach((input) => {
          if (input.type === "checkbox" || input.type === "radio") {
            input.checked = (answer.options || []).indexOf(input.value) !== -1;
          } else {
            input.value = answer.value == null ? "" : answer.value;
          }
        });
        mark(code);
      });
      const comment = document.getElementById("comment");
      if (comment && entry.comment != null) comment.value = entry.comment;
      if (entry.submit) lock(true);
    }

    function keep(change) {
      return getPending(url).then((found) => {
        const entry = found || { url: url, clientId: newId(), answers: {}, comment: null };
        if (entry.sending) entry.clientId = newId();
        entry.sending = false;
        if (change.code) entry.answers[change.code] = change.answer;
        if (change.comment !== undefined) entry.comment = change.comment;
        if (change.submit) entry.submit = true;
        entry.csrf = csrf;
        entry.savedAt = new Date().toISOString();
        return putPending(entry);
      }).then(() => {
        if (change.code) mark(change.code);
        if (change.submit) {
          lock(true);
          say(box, root.dataset.queued, "info");
          return;
        }
        showPending();
      });
    }

    function refused(entry) {
      say(box, entry.refused, "danger", {
        label: root.dataset.ack,
        done: () => dropPending(url).then(() => { clearMarks(); lock(false); }),
      });
    }

    function submitted(body) {
      say(box, body.message, "success");
      const link = document.createElement("a");
      link.href = body.item_url;
      link.className = "btn btn-sm btn-outline-primary ms-2";
      link.id = "offline-see-scores";
      link.textContent = root.dataset.seeScores;
      box.appendChild(link);
      lock(true);
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
          body: JSON.stringify({
            client_id: clientId, answers: entry.answers, comment: entry.comment, submit: !!entry.submit,
          }),
        }).then((response) => response.json().then((body) => getPending(url).then((now) => {
          const changed = now && now.clientId !== clientId;
          if (response.ok) {
            const totals = document.getElementById("totals");
            if (totals && body.totals) totals.outerHTML = body.totals;
            const status = document.getElementById("save-status");
            if (status) status.textContent = body.message;
            if (changed) return sync();
            return dropPending(url).then(() => {
              clearMarks();
              if (body.status === "submitted" || (body.status === "duplicate" && entry.submit)) {
                return submitted(body);
              }
              if (body.status === "not_submitted") {
                lock(false);
                return say(box, body.message, "danger", { label: root.dataset.ack, done: () => Promise.resolve() });
              }
              return say(box, body.message, "success");
            });
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
    const scoringForm = document.getElementById("scoring-form");
    if (scoringForm) {
      scoringForm.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        showPending();
      });
    }
    // Submitting without a signal: asked here (the server's confirmation page
    // cannot be reached), then kept on the phone and sent after the answers.
    const submitForm = document.getElementById("submit-form");
    if (submitForm && panel) {
      submitForm.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        panel.hidden = false;
        document.getElementById("offline-submit-yes").focus();
      });
      document.getElementById("offline-submit-no").addEventListener("click", () => { panel.hidden = true; });
      document.getElementById("offline-submit-yes").addEventListener("click", () => {
        panel.hidden = true;
        const comment = document.getElementById("comment");
        keep({ submit: true, comment: comment ? comment.value : null }).then(() => sync());
      });
    }
    window.addEventListener("online", () => { sync(); });
    // A send that failed with the phone believing it is online (a weak
    // signal) is retried now and then.
    setInterval(() => { sync(); }, 30000);
    getPending(url).then((entry) => {
      if (!entry) return null;
      repaint(entry);
      if (entry.refused) return refused(entry);
      if (!navigator.onLine) {
        if (entry.submit) return say(box, root.dataset.queued, "info");
        return showPending();
      }
      return sync();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    register();
    sheetPage();
  });
})();
