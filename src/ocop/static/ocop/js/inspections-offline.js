/* Inspections without a signal. Registers the service worker (served from
   /inspections/sw.js, scope /inspections/), keeps the assigned visits' pages
   in its cache (the "My visits" list), and on a visit page keeps the checklist
   answers typed without a signal in IndexedDB, each set with a client id;
   when the phone is back online each set is sent once to the visit's sync
   URL. The representative's acknowledgment, corrective actions and the close
   of the visit made without a signal are kept the same way (each with its
   client id) and sent in the order they were made — the close last, after
   the photos. A step the server refuses (the visit was closed meanwhile, or
   the close is incomplete) stays on the phone and is shown until the
   inspector says they saw it. After a reload what is still on the phone is
   painted back and marked "not sent yet". No inline script: hooked by
   data-* attributes. */
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

  // A step's form as the page would post it (without the CSRF token).
  function fieldsOf(form) {
    const fields = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") continue;
      (fields[name] = fields[name] || []).push(value);
    }
    return fields;
  }

  function mark(target, text) {
    if (!target || target.querySelector(":scope > .pending-mark")) return;
    const badge = document.createElement("span");
    badge.className = "badge text-bg-warning ms-2 pending-mark";
    badge.textContent = text;
    target.appendChild(badge);
  }

  function clearMarks() {
    document.querySelectorAll(".pending-mark").forEach((badge) => badge.remove());
  }

  // The refusals still on the phone, each shown until the inspector says
  // they saw them (only then are they removed from the phone).
  function showRefused(box, url) {
    return allPending().then((entries) => {
      const refused = entries.filter((e) => e.refused && e.url === url);
      if (!refused.length || !box) return;
      box.textContent = "";
      box.className = "alert alert-danger";
      box.hidden = false;
      refused.forEach((e) => {
        const line = document.createElement("div");
        line.textContent = e.refused;
        box.appendChild(line);
      });
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-danger mt-2";
      button.id = "offline-ack";
      button.textContent = box.dataset.ackLabel || "OK";
      button.addEventListener("click", () => Promise.all(refused.map((e) => dropPending(e.clientId)))
        .then(() => { box.hidden = true; }));
      box.appendChild(button);
    });
  }

  function sendPhotos(box) {
    return allPhotos().then((entries) => entries.reduce((chain, entry) => chain.then(() => {
      if (entry.refused) return null;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", entry.csrf);
      body.append("client_id", entry.clientId);
      body.append("caption", entry.caption);
      body.append("taken_at", entry.takenAt || "");
      if (entry.consent) {
        body.append("location_consent", "on");
        body.append("latitude", entry.latitude || "");
        body.append("longitude", entry.longitude || "");
      }
      body.append("photo", entry.blob, entry.name);
      return fetch(entry.url, { method: "POST", credentials: "same-origin", body: body })
        .then((response) => {
          if (response.ok && response.redirected) {
            return dropPhoto(entry.clientId).then(() => say(box, entry.sent, "success"));
          }
          entry.refused = entry.failed;
          return putPhoto(entry).then(() => say(box, entry.failed, "danger"));
        });
    }), Promise.resolve()));
  }

  // One step kept on the phone, sent once. A network failure stops the
  // chain (nothing later is sent before it); a refusal is kept and shown.
  function sendStep(box, entry) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": entry.csrf },
      body: JSON.stringify({
        client_id: entry.clientId,
        kind: entry.kind || "answers",
        answers: entry.answers,
        notes: entry.notes,
        fields: entry.fields,
      }),
    }).then((response) => response.json().then((body) => {
      if (response.ok) {
        return dropPending(entry.clientId).then(() => say(box, body.message, "success"));
      }
      if (response.status === 409 || response.status === 400) {
        entry.refused = body.message;
        return putPending(entry);
      }
      return say(box, body.message || "", "warning");
    }));
  }

  function sendSteps(box, closing) {
    return allPending().then((entries) => entries
      .filter((e) => !e.refused && ((e.kind === "close") === closing))
      .sort((a, b) => (a.seq || 0) - (b.seq || 0))
      .reduce((chain, entry) => chain.then(() => sendStep(box, entry)), Promise.resolve()));
  }

  let syncing = false;
  function sync(box, url) {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return sendSteps(box, false)
      .then(() => sendPhotos(box))
      .then(() => sendSteps(box, true))
      .then(() => allPending())
      .then((entries) => {
        if (!entries.some((e) => !e.refused && e.url === url)) clearMarks();
      })
      .catch(() => null)
      .then(() => showRefused(box, url))
      .finally(() => { syncing = false; });
  }

  // After a reload, what is still on the phone is shown: the answers painted
  // back into the checklist, the other steps marked "not sent yet".
  function repaint(form, box, url) {
    return allPending().then((entries) => {
      const mine = entries.filter((e) => e.url === url).sort((a, b) => (a.seq || 0) - (b.seq || 0));
      mine.forEach((entry) => {
        if ((entry.kind || "answers") === "answers") {
          Object.keys(entry.answers || {}).forEach((code) => {
            const [result, note] = entry.answers[code];
            const radio = form.querySelector("input[name='r_" + CSS.escape(code) + "'][value='" + CSS.escape(result) + "']");
            if (radio) radio.checked = true;
            const text = form.querySelector("[name='n_" + CSS.escape(code) + "']");
            if (text) text.value = note;
            const fieldset = form.querySelector("fieldset[data-item='" + CSS.escape(code) + "'] > legend");
            mark(fieldset, box.dataset.mark);
          });
          const notes = form.querySelector("[name=notes]");
          if (notes && entry.notes != null) notes.value = entry.notes;
        } else {
          const stepForm = document.querySelector("form[data-offline-step='" + entry.kind + "']");
          if (stepForm) mark(stepForm, box.dataset.mark);
        }
      });
      return mine;
    });
  }

  function visitPage() {
    const form = document.querySelector("form[data-offline-answers]");
    const box = document.getElementById("offline-status");
    if (!form) return;
    const url = form.dataset.offlineAnswers;
    const csrfOf = (f) => {
      const input = f.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    };
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      const entry = Object.assign(answersOf(form), {
        clientId: newId(),
        kind: "answers",
        url: url,
        csrf: csrfOf(form),
        seq: Date.now(),
        savedAt: new Date().toISOString(),
      });
      putPending(entry).then(() => {
        Object.keys(entry.answers).forEach((code) => {
          mark(form.querySelector("fieldset[data-item='" + CSS.escape(code) + "'] > legend"), box.dataset.mark);
        });
        say(box, form.dataset.offlineSaved, "info");
      });
    });
    document.querySelectorAll("form[data-offline-step]").forEach((stepForm) => {
      stepForm.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        putPending({
          clientId: newId(),
          kind: stepForm.dataset.offlineStep,
          url: stepForm.dataset.offlineUrl,
          csrf: csrfOf(stepForm),
          fields: fieldsOf(stepForm),
          seq: Date.now(),
          savedAt: new Date().toISOString(),
        }).then(() => {
          mark(stepForm, box.dataset.mark);
          say(box, stepForm.dataset.offlineSaved, "info");
        });
      });
    });
    const photoForm = document.querySelector("form[data-offline-photo]");
    if (photoForm) {
      photoForm.addEventListener("submit", (event) => {
        if (navigator.onLine) return;
        const input = photoForm.querySelector("input[type=file]");
        if (!input || !input.files.length) return;
        event.preventDefault();
        const file = input.files[0];
        const caption = photoForm.querySelector("input[name=caption]");
        const value = (name) => {
          const input = photoForm.querySelector("input[name=" + name + "]");
          return input ? input.value : "";
        };
        const consent = photoForm.querySelector("input[name=location_consent]");
        putPhoto({
          takenAt: new Date().toISOString(),
          consent: !!(consent && consent.checked),
          latitude: value("latitude"),
          longitude: value("longitude"),
          clientId: newId(),
          url: photoForm.action,
          csrf: csrfOf(photoForm),
          caption: caption ? caption.value : "",
          blob: file,
          name: file.name,
          sent: photoForm.dataset.offlineSent,
          failed: photoForm.dataset.offlineFailed,
        }).then(() => say(box, photoForm.dataset.offlinePhoto, "info"));
      });
    }
    window.addEventListener("online", () => sync(box, url));
    repaint(form, box, url).then((mine) => {
      if (navigator.onLine) return sync(box, url);
      if (mine.some((e) => e.refused)) return showRefused(box, url);
      if (mine.length) say(box, form.dataset.offlineSaved, "info");
      return null;
    });
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
