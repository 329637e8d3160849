/* Offline entry (issue 27), on every signed-in page: the drafts' store (IndexedDB through
   idb), and the rule that a browser keeps nothing of one user for another. The user is the
   key the page names (body[data-offline-user], cluster_portal/offline.py): when another
   user signs in on this browser, the previous one's drafts and kept pages are dropped;
   logging out drops them too (the logout also sends Clear-Site-Data). */
(function () {
  "use strict";
  const DB_NAME = "portal-offline";
  const PAGES = "offline-pages-";
  const body = document.body;
  const user = body.dataset.offlineUser;
  let opened = null;

  function db() {
    if (!opened) {
      opened = window.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore("drafts", { keyPath: "key" });
          database.createObjectStore("meta");
        },
      });
    }
    return opened;
  }

  async function clearAll() {
    if (opened) {
      (await opened).close();
      opened = null;
    }
    const gone = new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    const names = "caches" in window ? await caches.keys() : [];
    await Promise.all([gone, ...names.filter((n) => n.startsWith(PAGES)).map((n) => caches.delete(n))]);
  }

  async function pendingDrafts() {
    const all = await (await db()).getAll("drafts");
    return all.filter((draft) => draft.user === user);
  }

  // The drafts and pages kept for someone else than the user signed in now: dropped.
  const owned = (async () => {
    if (!user || !window.idb || !("indexedDB" in window)) return;
    const owner = await (await db()).get("meta", "owner");
    if (owner && owner !== user) await clearAll();
    await (await db()).put("meta", user, "owner");
  })().catch(() => {}); // no IndexedDB (a private window may refuse it): nothing is kept

  // Logging out: the confirmation when drafts were never sent, then nothing kept.
  const logout = document.querySelector("form[data-offline-logout]");
  if (logout) {
    let cleared = false;
    logout.addEventListener("submit", async (event) => {
      if (cleared || !window.idb) return;
      event.preventDefault();
      const left = await pendingDrafts().catch(() => []);
      if (left.length && !window.confirm(logout.dataset.confirm)) return;
      // The logout goes on whatever the browser's storage does (a refused or slow store
      // never keeps someone signed in); the server's Clear-Site-Data follows anyway.
      const cleaning = clearAll().catch(() => {});
      await Promise.race([cleaning, new Promise((resolve) => setTimeout(resolve, 2000))]);
      cleared = true;
      logout.submit();
    });
  }

  window.portalOffline = { db, user, owned, clearAll };
})();
