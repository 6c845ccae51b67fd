// The unread count next to "Inbox" in the admin header, read after the page loads so no
// admin page pays a query for it.
(function () {
  "use strict";
  var link = document.getElementById("newsroom-inbox-link");
  if (!link || !window.fetch) return;
  fetch(link.dataset.countUrl, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) return;
      var badge = link.querySelector(".newsroom-unread");
      badge.textContent = " (" + data.unread + ")";
      badge.hidden = false;
      link.setAttribute("aria-label", "Inbox, " + data.unread + " unread");
    })
    .catch(function () {});
})();
