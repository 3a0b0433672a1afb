// The pages run no inline script and no eval (Content Security Policy, plannerist/csp.py):
// htmx must not evaluate hx-on attributes or js: values either.
if (window.htmx) { htmx.config.allowEval = false; }

// A select that applies its choice at once (the language): the button stays for no-JS.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.hasAttribute && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});

// Announce htmx swaps to screen readers through the page's aria-live region.
document.addEventListener("htmx:afterSwap", function (event) {
  var live = document.getElementById("live");
  var label = event.detail.target && event.detail.target.getAttribute("data-announce");
  if (live && label) { live.textContent = label; }
});

// Show only the fields of the chosen mechanic and scope (all stay visible without JS).
function syncPlanFields(form) {
  var mechanic = form.querySelector("[name=mechanic]");
  var scope = form.querySelector("[name=scope]");
  form.querySelectorAll("[data-mechanic]").forEach(function (el) {
    el.hidden = mechanic && el.getAttribute("data-mechanic") !== mechanic.value;
  });
  form.querySelectorAll("[data-scope]").forEach(function (el) {
    el.hidden = scope && el.getAttribute("data-scope") !== scope.value;
  });
}
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  syncPlanFields(form);
  form.addEventListener("change", function () { syncPlanFields(form); });
});
