/* The portal's service worker (issue 27), served at /sw.js by cluster_portal/offline.py,
   which puts OFFLINE_CONFIG above this text: Workbox's loader and modules under their
   static URLs (vendored from npm, never a CDN), the app shell to precache, the form pages'
   paths and the header naming a page's user.

   - The app shell (stylesheets, scripts, the flag) is precached: a form page opens offline.
   - A form page is fetched from the network first; a copy is kept only when the response
     names its signed-in user, in that user's cache, and every other user's cache is
     dropped then. Offline, the kept copy is served; the page's script puts back what was
     typed (IndexedDB). Nothing else is kept. */
/* global importScripts, workbox */
"use strict";

const CONFIG = self.OFFLINE_CONFIG;
const PAGES = "offline-pages-";
importScripts(CONFIG.workbox);
workbox.setConfig({ debug: false, modulePathCb: (name) => CONFIG.modules[name] });

const { precacheAndRoute, cleanupOutdatedCaches } = workbox.precaching;
const { registerRoute } = workbox.routing;
const { NetworkOnly } = workbox.strategies;

precacheAndRoute(CONFIG.shell);
cleanupOutdatedCaches();

const formPages = CONFIG.pages.map((pattern) => new RegExp(pattern));

function isFormPage(url) {
  return url.origin === self.location.origin && formPages.some((page) => page.test(url.pathname));
}

async function pageCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PAGES));
}

/* The kept copy of a form page: in its user's cache, the other users' caches dropped. */
async function keep(url, response) {
  const user = response.headers.get(CONFIG.header);
  if (response.status !== 200 || response.redirected || !user) return;
  const mine = PAGES + user;
  await Promise.all(
    (await pageCaches()).filter((name) => name !== mine).map((name) => caches.delete(name)),
  );
  await (await caches.open(mine)).put(url, response);
}

async function kept(url) {
  for (const name of await pageCaches()) {
    const hit = await (await caches.open(name)).match(url, { ignoreSearch: true });
    if (hit) return hit;
  }
  return undefined;
}

// The network first: Workbox fetches (and reports a failure as an error), the copy is
// kept for the user it names; offline, the kept copy, or the browser's own offline page.
const network = new NetworkOnly({
  plugins: [
    {
      fetchDidSucceed: async ({ request, response }) => {
        await keep(request.url, response.clone());
        return response;
      },
    },
  ],
});

registerRoute(
  ({ request, url }) => request.mode === "navigate" && isFormPage(url),
  async (options) => {
    try {
      return await network.handle(options);
    } catch (error) {
      const copy = await kept(options.request.url);
      if (copy) return copy;
      throw error;
    }
  },
);

// A form page opened before this worker took control: the page asks for it to be kept.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !data.url) return;
  const url = new URL(data.url, self.location.origin);
  if (!isFormPage(url)) return;
  event.waitUntil(
    fetch(url.href, { credentials: "same-origin" })
      .then((response) => keep(url.href, response))
      .then(
        () => event.ports[0] && event.ports[0].postMessage({ kept: true }),
        () => event.ports[0] && event.ports[0].postMessage({ kept: false }),
      ),
  );
});

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
