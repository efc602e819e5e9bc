/* Service worker of the pages used without a signal, served twice: from
   /inspections/sw.js (scope /inspections/) and from /evaluation/sw.js (scope
   /evaluation/, the council member's scoring sheets). Every GET is
   fetched from the network first and kept in the cache, so that the pages an
   inspector opened (the assigned visits, their checklists) and the static
   files they use open again without a signal. POSTs are never touched: the
   page's own script keeps unsent answers in IndexedDB and syncs them. */
"use strict";

const CACHE = "ocop-inspections-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ocop-inspections-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreVary: true }).then((cached) => cached || Response.error())
      )
  );
});
