// On every page of a logged-in user: logging out deletes the offline app's data from the device (the server's
// Clear-Site-Data header does it), so work not yet sent is named first and the officer decides.
(function () {
  "use strict";
  var form = document.querySelector("form[data-logout]");
  if (!form || !window.indexedDB || !indexedDB.databases) return;
  var asked = false;
  form.addEventListener("submit", function (event) {
    if (asked) return;
    event.preventDefault();
    asked = true;
    countWaiting().then(function (count) {
      if (!count || window.confirm(form.getAttribute("data-confirm").replace("%(count)s", count))) form.submit();
      else asked = false;
    });
  });

  function countWaiting() {
    return indexedDB.databases().then(function (list) {
      if (!list.some(function (db) { return db.name === "portal-offline"; })) return 0;
      return new Promise(function (resolve) {
        var open = indexedDB.open("portal-offline");
        open.onerror = function () { resolve(0); };
        open.onsuccess = function () {
          var db = open.result;
          if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve(0); return; }
          var rows = db.transaction("outbox").objectStore("outbox").getAll();
          rows.onsuccess = function () {
            db.close();
            // States are kept in clear beside the sealed records, so no key is needed to count them.
            resolve(rows.result.filter(function (row) { return ["pending", "decision", "rejected"].indexOf(row.state) >= 0; }).length);
          };
          rows.onerror = function () { db.close(); resolve(0); };
        };
      });
    }, function () { return 0; });
  }
})();
