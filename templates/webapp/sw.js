// The portal's service worker (webapp/views.py). It keeps the offline app's shell in a cache named after its
// version and answers from it; a page load that fails for want of a connection gets the offline app. It never
// keeps children's data: that lives sealed in IndexedDB, and API answers always go to the network.
const VERSION = "{{ version }}";
const CACHE = "portal-shell-" + VERSION;
const FILES = {{ files|safe }};
const SHELL = {{ shell|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of FILES) {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
        // A redirect (to the login page) or an error is not the shell: better no new version than a wrong one.
        if (!response.ok || response.redirected) throw new Error("shell file " + url + ": " + response.status);
        await cache.put(url, response);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { ignoreVary: true }).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(SHELL, { ignoreVary: true })));
  }
});
