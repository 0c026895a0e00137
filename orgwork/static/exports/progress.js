// Polls the user's export files while one is being built and updates the bars; reloads
// the page once none is running any more (the download links appear).
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("export-files");
    if (!box || box.dataset.running !== "1") { return; }
    var url = box.dataset.progressUrl;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(poll, 3000); return; }
          var running = false;
          data.files.forEach(function (file) {
            var row = box.querySelector('tr[data-export-id="' + file.id + '"]');
            if (!row) { return; }
            row.querySelector(".export-progress").value = file.progress;
            row.querySelector(".export-progress-text").textContent = file.processed + " / " + file.total + " 行";
            row.querySelector(".export-status").textContent = file.status_display;
            running = running || file.running;
          });
          if (!running) { window.location.reload(); return; }
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
