// Draw the plotly charts that the server renders as <div class="plotly-graph-div" data-figure>:
// on page load, and in whatever htmx swaps in (the what-if, the capacity check). The pages
// hold no inline script, so that the Content Security Policy can forbid them (plannerist/csp.py).
//
// A swap that brings back a chart already drawn (same id: the what-if on every keystroke)
// keeps the drawn chart and gives it the new figure with Plotly.react, which redraws only
// what changed, instead of a full Plotly.newPlot on a fresh div; a chart whose figure did not
// change (most keystrokes move one or two of them) is kept as drawn, with no redraw at all.
(function () {
  var drawn = {};  // id -> the chart div drawn in the content being swapped out

  function draw(root) {
    var charts = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-figure]") : []);
    if (root.matches && root.matches("[data-figure]")) { charts.push(root); }
    charts.forEach(function (div) {
      if (div.hasAttribute("data-drawn")) { return; }
      var figure = JSON.parse(div.getAttribute("data-figure"));
      var config = JSON.parse(div.getAttribute("data-config") || "{}");
      var previous = div.id && drawn[div.id];
      if (previous && window.Plotly) {
        delete drawn[div.id];
        var unchanged = previous.getAttribute("data-figure") === div.getAttribute("data-figure");
        previous.setAttribute("data-figure", div.getAttribute("data-figure"));
        previous.setAttribute("style", div.getAttribute("style") || "");
        div.replaceWith(previous);
        if (unchanged) { return; }
        previous.setAttribute("data-drawing", "");
        Promise.resolve(Plotly.react(previous, figure.data || [], figure.layout || {}, config))
          .finally(function () { previous.removeAttribute("data-drawing"); });
        return;
      }
      div.setAttribute("data-drawn", "");
      Plotly.newPlot(div, figure.data || [], figure.layout || {}, config);
    });
    drawn = {};
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelectorAll) { return; }
    target.querySelectorAll("[data-figure][data-drawn]").forEach(function (div) {
      if (div.id) { drawn[div.id] = div; }
    });
  });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
})();
