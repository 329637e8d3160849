// The navbar's unread-notice count, fetched after the page is shown: pages keep their fixed
// number of queries, and the count is fresh even on a page served from the browser's cache.
(function () {
  "use strict";
  var link = document.querySelector("[data-unread-url]");
  if (!link || !window.fetch) {
    return;
  }
  fetch(link.getAttribute("data-unread-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) {
        return;
      }
      var text = data.unread > 99 ? "99+" : String(data.unread);
      document.querySelectorAll("[data-unread-badge]").forEach(function (badge) {
        badge.textContent = text;
        badge.hidden = false;
      });
      link.setAttribute("aria-label", link.textContent.trim() + " (" + data.unread + " chưa đọc)");
    })
    .catch(function () { /* the link still leads to the inbox */ });
})();
