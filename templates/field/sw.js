/* Service worker of the field page (rendered by field.views.service_worker).
   Shell: served from the cache at once, refreshed in the background. data.json: network
   first, the cached copy when offline. The page's static files: cache first (their URLs
   change with their content in production). POSTs (the visits and households APIs, sign-out)
   pass through: the page keeps its own outbox in IndexedDB. */
"use strict";
const CACHE = "field-{{ version }}";
const SHELL = {{ shell|safe }};
const DATA = {{ data|safe }};
const ASSETS = {{ assets|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};

const usable = (res) => res && res.ok && !res.redirected && res.type === "basic";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    // The shell needs the session: never cache a redirect to the sign-in page in its place.
    const res = await fetch(SHELL, { credentials: "same-origin" });
    if (usable(res)) await cache.put(SHELL, res);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith("field-") && k !== CACHE).map((k) => caches.delete(k)));
    await self.clients.claim();
  })());
});

async function shell(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(SHELL, { ignoreVary: true });
  const fresh = fetch(event.request).then((res) => {
    if (usable(res)) return cache.put(SHELL, res.clone()).then(() => res);
    return res;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (usable(res) && (res.headers.get("Content-Type") || "").includes("json")) {
      await cache.put(request, res.clone());
    }
    return res;
  } catch (err) {
    const hit = await cache.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (usable(res)) await cache.put(request, res.clone());
  return res;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(event));
  } else if (url.pathname === DATA) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX) || ASSETS.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
