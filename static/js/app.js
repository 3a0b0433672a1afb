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

// A new campaign's uplift follows its kind (issue 14): each what-if answer carries, in
// #uplift-memory, the pooled uplift and 80 % range of past campaigns of the mechanic and depth
// typed (or the default guess and no range). The uplift fields the person has not typed in
// take those values; once the expected uplift is typed, an untyped range keeps the kind's
// spread around it (none when no past campaign of the kind was measured).
(function () {
  var FIELDS = { uplift: "uplift", uplift_low: "low", uplift_high: "high" };
  var typed = {};
  var memory = null;

  function number(text) { return text === "" || text === null ? null : parseFloat(text); }
  function shown(value) { return value === null ? "" : String(Math.round(value * 100) / 100); }

  function rangeAround(expected) {
    // The range the untyped low / high fields take when the expected uplift is ``expected``.
    if (!memory) { return null; }
    var center = number(memory.uplift), low = number(memory.low), high = number(memory.high);
    if (low === null || high === null || center === null || expected === null) { return { low: "", high: "" }; }
    return { low: shown(low + (expected - center)), high: shown(high + (expected - center)) };
  }

  function set(form, name, value) {
    var input = form.querySelector("[name='" + name + "']");
    if (!input || typed[name] || input.disabled || input.value === value) { return false; }
    input.value = value;
    return true;
  }

  function read(form) {
    var element = document.getElementById("uplift-memory");
    if (!element) { return false; }
    memory = { uplift: element.getAttribute("data-uplift"), low: element.getAttribute("data-low"),
               high: element.getAttribute("data-high") };
    var note = document.getElementById("uplift-prefill");
    if (note) { note.textContent = element.textContent; }
    var changed = set(form, "uplift", memory.uplift);
    var expected = number(form.querySelector("[name='uplift']").value);
    var range = typed.uplift ? rangeAround(expected) : { low: memory.low, high: memory.high };
    changed = set(form, "uplift_low", range.low) || changed;
    changed = set(form, "uplift_high", range.high) || changed;
    return changed;
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!event.isTrusted || !input.form || input.form.id !== "plan-form" || !(input.name in FIELDS)) { return; }
    typed[input.name] = true;
    if (input.name === "uplift") {  // before htmx reads the form: the range moves with it
      var range = rangeAround(number(input.value));
      if (range) { set(input.form, "uplift_low", range.low); set(input.form, "uplift_high", range.high); }
    }
  }, true);

  function follow() {
    var form = document.getElementById("plan-form");
    if (!form || form.querySelector("[name='uplift']") === null) { return; }
    if (read(form)) {  // ask again with the kind's uplift
      form.querySelector("[name='uplift']").dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("plan-form");
    if (form && document.getElementById("uplift-memory")) { read(form); }
  });
  document.addEventListener("htmx:afterSwap", follow);
})();
