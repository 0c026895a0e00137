// Chinese for the one label unfold's scrollbar library (SimpleBar) writes for screen readers.
// This runs in the page head, so its listener comes before SimpleBar's own, which builds
// the scroll areas on DOMContentLoaded from these defaults.
document.addEventListener("DOMContentLoaded", function () {
  if (window.SimpleBar && window.SimpleBar.defaultOptions) {
    window.SimpleBar.defaultOptions.ariaLabel = "可滚动内容";
  }
});

// A 工作台 panel drawn after the page (hx-get on .dash-deferred): when its request fails,
// its place says so instead of 正在统计 for ever.
function dashPanelFailed(event) {
  var place = event.detail && event.detail.elt;
  if (!place || !place.classList || !place.classList.contains("dash-deferred")) return;
  place.setAttribute("aria-busy", "false");
  var text = place.querySelector(".dash-empty");
  if (text) text.textContent = "统计未能完成，请刷新页面重试；仍不能显示的，请联系系统管理员。";
}
document.addEventListener("htmx:responseError", dashPanelFailed);
document.addEventListener("htmx:sendError", dashPanelFailed);
