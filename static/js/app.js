// Announce htmx swaps to screen readers through the page's aria-live region.
document.addEventListener("htmx:afterSwap", function (event) {
  var live = document.getElementById("live");
  var label = event.detail.target && event.detail.target.getAttribute("data-announce");
  if (live && label) { live.textContent = label; }
});
