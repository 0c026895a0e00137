// Polls the job's progress endpoint and updates the bar; reloads the page once the
// job reaches a state with a new preview (待确认, 完成, 失败).
(function () {
  "use strict";
  function start() {
    var row = document.getElementById("import-progress-row");
    if (!row || row.dataset.running !== "1") { return; }
    var url = row.dataset.progressUrl;
    var bar = document.getElementById("import-progress");
    var text = document.getElementById("import-progress-text");
    var status = document.getElementById("import-status");
    var message = document.getElementById("import-message");
    var lastStatus = status ? status.textContent : "";
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          bar.value = data.percent;
          text.textContent = data.processed + " / " + data.total + " 行";
          status.textContent = data.status_display;
          message.textContent = data.message;
          if (!data.running || data.status_display !== lastStatus && data.status_display === "待确认") {
            window.location.reload();
            return;
          }
          lastStatus = data.status_display;
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
