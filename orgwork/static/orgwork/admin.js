// Chinese for the one label unfold's scrollbar library (SimpleBar) writes for screen readers.
// This runs in the page head, so its listener comes before SimpleBar's own, which builds
// the scroll areas on DOMContentLoaded from these defaults.
document.addEventListener("DOMContentLoaded", function () {
  if (window.SimpleBar && window.SimpleBar.defaultOptions) {
    window.SimpleBar.defaultOptions.ariaLabel = "可滚动内容";
  }
});
