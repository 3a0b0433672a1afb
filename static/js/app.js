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

// A cost preset (payment provider, carrier, marketplace) fills the fields it names with its
// published values; the person then changes them to theirs (no-JS: the "Apply" button).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.hasAttribute || !select.hasAttribute("data-preset") || !select.form) { return; }
  var option = select.options[select.selectedIndex];
  var values = option && option.getAttribute("data-values");
  if (!values) { return; }
  var parsed = JSON.parse(values);
  Object.keys(parsed).forEach(function (name) {
    var input = select.form.querySelector("[name='" + name + "']");
    if (input) { input.value = parsed[name]; input.dispatchEvent(new Event("input", { bubbles: true })); }
  });
});
