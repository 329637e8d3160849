/* Offline entry (issue 27), on every signed-in page: the drafts' store (IndexedDB through
   idb), and the rule that a browser keeps nothing of one user for another. The user is the
   key the page names (body[data-offline-user], cluster_portal/offline.py): when another
   user signs in on this browser, the previous one's drafts and kept pages are dropped;
   logging out drops them too (the logout also sends Clear-Site-Data).

   Several tabs share the store. A tab never holds it against another: its connection
   closes itself when another tab deletes the store (versionchange), and that tab's page
   then keeps nothing more (the user it was opened for has left this browser). No wait on
   the store is unbounded: a tab from before this rule, or a frozen one, may still hold a
   connection; the page then goes on without the store rather than hang. */
(function () {
  "use strict";
  const DB_NAME = "portal-offline";
  const PAGES = "offline-pages-";
  const WAIT = 2000; // ms: the longest a page waits on the store
  const body = document.body;
  const user = body.dataset.offlineUser;
  let opened = null;
  let ended = false; // the store was dropped by another tab (another user, or a logout)

  const late = (ms) => new Promise((resolve) => setTimeout(() => resolve("late"), ms));

  function db() {
    if (ended) return Promise.reject(new Error("offline store dropped by another tab"));
    if (!opened) {
      const opening = window.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore("drafts", { keyPath: "key" });
          database.createObjectStore("meta");
        },
        // Another tab deletes the store: let it, at once, and write nothing more.
        blocking() {
          ended = true;
          opened = null;
          opening.then((database) => database.close());
        },
        terminated() {
          // Closed by the browser (Clear-Site-Data, storage cleared by the user).
          ended = true;
          opened = null;
        },
      });
      // An open waits behind a deletion still blocked by some other tab: bounded.
      opened = Promise.race([opening, late(WAIT)]).then((result) => {
        if (result !== "late") return result;
        opening.then((database) => database.close(), () => {});
        opened = null;
        throw new Error("offline store busy");
      });
      opened.catch(() => {});
    }
    return opened;
  }

  /* Drops this browser's drafts and kept pages. The deletion waits for no tab: the others
     close their connections on versionchange; after WAIT it is left to finish alone. */
  async function clearAll() {
    if (opened) {
      const current = opened;
      opened = null;
      await current.then((database) => database.close(), () => {});
    }
    const gone = new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = () => resolve();
    });
    const names = "caches" in window ? await caches.keys() : [];
    const pages = names.filter((n) => n.startsWith(PAGES)).map((n) => caches.delete(n));
    return Promise.race([Promise.all([gone, ...pages]), late(WAIT)]);
  }

  async function pendingDrafts() {
    const all = await (await db()).getAll("drafts");
    return all.filter((draft) => draft.user === user);
  }

  // The drafts and pages kept for someone else than the user signed in now: dropped.
  const owned = (async () => {
    if (!user || !window.idb || !("indexedDB" in window)) return;
    const owner = await (await db()).get("meta", "owner");
    if (owner && owner !== user && (await clearAll()) === "late") return; // store busy: unused
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
      // never keeps someone signed in: clearAll is bounded); Clear-Site-Data follows anyway.
      await clearAll().catch(() => {});
      cleared = true;
      logout.submit();
    });
  }

  window.portalOffline = { db, user, owned, clearAll, ended: () => ended };
})();
