// Draw the plotly charts that the server renders as <div class="plotly-graph-div" data-figure>:
// on page load, and in whatever htmx swaps in (the what-if, the capacity check). The pages
// hold no inline script, so that the Content Security Policy can forbid them (plannerist/csp.py).
(function () {
  function draw(root) {
    var charts = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-figure]") : []);
    if (root.matches && root.matches("[data-figure]")) { charts.push(root); }
    charts.forEach(function (div) {
      if (div.hasAttribute("data-drawn")) { return; }
      div.setAttribute("data-drawn", "");
      var figure = JSON.parse(div.getAttribute("data-figure"));
      var config = JSON.parse(div.getAttribute("data-config") || "{}");
      Plotly.newPlot(div, figure.data || [], figure.layout || {}, config);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
})();
