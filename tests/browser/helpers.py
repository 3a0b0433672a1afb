"""What every browser journey does: log in as a demo user, switch the language, check that an
htmx update did not reload the page, list the controls that write, scan with axe-core, take a
screenshot.

A new journey is a few lines (see test_reviews.py, the consultant's weekly review)::

    def test_owner_changes_a_target(page):
        log_in_as(page, "owner")                   # a key of cockpit.demo.USERS
        page.goto(page_path("kpis"))
        ...
        screenshot(page, "kpi-targets")            # var/screenshots/kpi-targets.fr.png
        assert_accessible(page, "kpi-targets")     # axe-core: no serious or critical violation

and a new page to scan and photograph in both languages is one line in ``MAIN_PAGES``.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page, expect

from cockpit import demo

ORG = "lumiere-et-cire"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# Git-ignored (var/ is): open the PNGs to see every page in both languages.
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
LANGUAGES = ("fr", "en")
BLOCKING_IMPACTS = ("serious", "critical")


def campaign_detail_path(org: str) -> str:
    """The first approved (not yet started) percent-off campaign of the demo, whichever it is on
    today's date (the what-if shows its discount field)."""
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(organization__slug=org, mechanic="percent_off",
                                       status="approved").order_by("start", "pk").first()
    assert campaign is not None, f"the demo data of {org} has no approved percent-off campaign"
    return f"/o/{org}/campaigns/{campaign.pk}/"


# The main pages: name -> path, or a function of the organisation's slug that returns it
# (called in the test, with database access). Scanned and photographed in French and English.
MAIN_PAGES: dict[str, str | Callable[[str], str]] = {
    "dashboard": "/o/{org}/",
    "campaign-list": "/o/{org}/campaigns/",
    "campaign-detail": campaign_detail_path,
    "campaign-new": "/o/{org}/campaigns/new/",
    "capacity-peak": "/o/{org}/capacity/",
    "kpis": "/o/{org}/kpis/",
    "kpi-imports": "/o/{org}/kpis/imports/",
    "kpi-quick-entry": "/o/{org}/kpis/today/",
}


def url_exists(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name, kwargs={"org_slug": ORG})
    except NoReverseMatch:
        return False
    return True


if url_exists("reviews:reviews"):  # the weekly reviews' history
    MAIN_PAGES["reviews"] = "/o/{org}/kpis/reviews/"


def page_path(name: str, org: str = ORG) -> str:
    path = MAIN_PAGES[name]
    return path(org) if callable(path) else path.format(org=org)


# ----------------------------------------------------------------- logging in, languages


def log_in(page: Page, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Through the login form, like a person: lands on the home page (the organisations)."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("form[action$='/accounts/logout/']")).to_have_count(1)
    page.wait_for_load_state("load")


def arrived(page: Page, url: str | re.Pattern[str]) -> None:
    """After a click that navigates: the new page's URL, then its load event. Deferred
    scripts (htmx) are wired by then; typing into a form before that would go unheard."""
    expect(page).to_have_url(url)
    page.wait_for_load_state("load")


def log_in_as(page: Page, who: str) -> None:
    """``who`` is a key of ``cockpit.demo.USERS``: owner, marketing, operations, consultant,
    viewer, owner2."""
    log_in(page, demo.USERS[who].email)


def language(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def switch_language(page: Page, code: str) -> None:
    """With the header's language menu (it submits on change and comes back to the page)."""
    if language(page) == code:
        return
    with page.expect_navigation():
        page.locator("#language-select").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


# ----------------------------------------------------------------- htmx: no reload


def mark_window(page: Page) -> str:
    """Put a token on ``window``: a reload or a navigation loses it (see ``assert_same_document``)."""
    token = secrets.token_hex(8)
    page.evaluate("token => { window.__browserTestMarker = token; }", token)
    return token


def assert_same_document(page: Page, token: str) -> None:
    assert page.evaluate("() => window.__browserTestMarker") == token, "the page was reloaded"


def whatif_with(**fields: str) -> Callable:
    """A predicate for ``page.expect_response``: the what-if's answer to the form with these values."""
    from urllib.parse import parse_qs

    def matches(response) -> bool:
        # campaigns/whatif/ (a new plan), campaigns/<id>/whatif/, campaigns/scenarios/<id>/whatif/
        if not re.search(r"/campaigns/(?:(?:scenarios/)?\d+/)?whatif/$", response.url):
            return False
        posted = parse_qs(response.request.post_data or "", keep_blank_values=True)
        return all(posted.get(name) == [value] for name, value in fields.items())

    return matches


def number(text: str, lang: str) -> float:
    """The first number in a text as the page writes it (French: 1 487,5; English: 1,487.5)."""
    match = re.search(r"[−-]?\d[\d\s\u00a0\u202f.,]*", text)
    assert match, f"no number in {text!r}"
    raw = re.sub(r"[\s\u00a0\u202f]", "", match.group()).replace("−", "-").rstrip(".,")
    raw = raw.replace(".", "").replace(",", ".") if lang == "fr" else raw.replace(",", "")
    return float(raw)


def wait_for_charts(page: Page) -> None:
    """Until every plotly chart on the page is drawn."""
    page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                           ".every(d => d.querySelector('.main-svg'))")


def wait_for_htmx(page: Page) -> None:
    """Until no htmx request is in flight (htmx puts ``htmx-request`` on the elements it waits for)."""
    expect(page.locator(".htmx-request")).to_have_count(0)


# ----------------------------------------------------------------- controls that write


_WRITE_CONTROLS_JS = """
() => {
  const ignored = ["/accounts/logout/", "/i18n/setlang/"];  // not the organisation's data
  const out = [];
  for (const form of document.querySelectorAll("form")) {
    const method = (form.getAttribute("method") || "get").toLowerCase();
    const writes = method === "post" || form.hasAttribute("hx-post");
    const action = form.getAttribute("hx-post") || form.getAttribute("action") || "";
    if (!writes || ignored.some(a => action.includes(a))) continue;
    const controls = form.querySelectorAll(
      "button, input:not([type=hidden]), select, textarea");
    for (const el of controls) {
      const submits = el.tagName === "BUTTON" ? (el.getAttribute("type") || "submit") === "submit"
                                              : el.type === "submit" || el.type === "image";
      if (el.matches(":disabled")) continue;
      out.push(`${submits ? "submit" : "field"} ${el.tagName.toLowerCase()}`
        + `${el.name ? "[name=" + el.name + "]" : ""} “${(el.textContent || el.value || "").trim().slice(0, 40)}”`
        + ` in form ${action || "(this page)"}`);
    }
  }
  return out;
}
"""


def write_controls(page: Page) -> list[str]:
    """Enabled buttons and fields of the forms that post (log-out and language excepted)."""
    return page.evaluate(_WRITE_CONTROLS_JS)


# ----------------------------------------------------------------- keyboard and focus


def active_element(page: Page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
              text: (el.textContent || "").trim().slice(0, 40)};
    }""")


def tab_to(page: Page, selector: str, *, limit: int = 120) -> int:
    """Press Tab until the element matching ``selector`` has the focus; returns the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement && document.activeElement.matches(sel)", selector):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab (last: {active_element(page)})")


_FOCUS_JS = """
() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const rgb = text => {
    const m = (text || "").match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const luminance = c => [c.r, c.g, c.b].map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let around = {r: 255, g: 255, b: 255, a: 1};  // what the ring is drawn on: the first opaque ancestor
  for (let n = el.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c && c.a > 0) { around = c; break; }
  }
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 ? rgb(style.outlineColor) : null;
  const shadow = style.boxShadow && style.boxShadow !== "none" ? rgb(style.boxShadow) : null;
  return {focusVisible: el.matches(":focus-visible"), outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor,
          boxShadow: style.boxShadow, background: `rgb(${around.r}, ${around.g}, ${around.b})`,
          outlineContrast: outline ? contrast(outline, around) : 0, shadowContrast: shadow ? contrast(shadow, around) : 0};
}
"""


def focus_indicator(page: Page) -> dict:
    """The focused element's :focus-visible state, its outline and box-shadow, and their
    contrast with the background around it."""
    return page.evaluate(_FOCUS_JS)


def assert_focus_visible(page: Page) -> None:
    """A focus ring is drawn (outline or box-shadow) with at least 3:1 contrast against what
    surrounds it (WCAG 1.4.11), on a :focus-visible element."""
    seen = focus_indicator(page)
    best = max(seen["outlineContrast"], seen["shadowContrast"])
    assert seen["focusVisible"] and best >= 3, f"no visible focus on {active_element(page)}: {seen}"


# ----------------------------------------------------------------- layout


def horizontal_overflow(page: Page) -> dict | None:
    """None when the page fits the window's width; else by how much it overflows and the
    innermost elements sticking out (a page that scrolls sideways fails WCAG 1.4.10)."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, scroll = document.documentElement.scrollWidth;
      if (scroll <= width) return null;
      const out = [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1 && el.children.length === 0)
        .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "")
          + " “" + (el.textContent || "").trim().slice(0, 60) + "”");
      return {window: width, page: scroll, sticking_out: out};
    }""")


# ----------------------------------------------------------------- screenshots, axe-core


def screenshot(page: Page, name: str) -> Path:
    """The whole page, as ``var/screenshots/<name>.<language>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.{language(page) or 'xx'}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def inject_axe(page: Page) -> None:
    """The vendored axe-core, loaded from the live server's static files: the page's Content
    Security Policy (scripts from 'self' only, plannerist/csp.py) stays on during the scan,
    where ``add_script_tag(path=...)`` would inline the file and be refused."""
    from urllib.parse import urljoin

    from django.templatetags.static import static

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=urljoin(page.url, static("vendor/axe/axe.min.js")))


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    inject_axe(page)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def format_violations(violations: Iterable[dict], *, max_nodes: int = 5) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:max_nodes]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node['html'][:200]}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    … and {len(v['nodes']) - max_nodes} more")
    return "\n".join(lines)


def scan(page: Page, name: str) -> list[dict]:
    """Scan with axe-core; every violation is kept in ``var/screenshots/<name>.<language>.axe.json``.
    Returns the serious and critical ones."""
    violations = axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [
        {"target": n["target"], "html": n["html"][:300], "summary": n.get("failureSummary")} for n in v["nodes"]
    ]} for v in violations]
    (SCREENSHOTS / f"{name}.{language(page) or 'xx'}.axe.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page, name: str) -> None:
    blocking = scan(page, name)
    assert not blocking, f"axe-core on {name} ({language(page)}, {page.url}):\n{format_violations(blocking)}"
