"""A brand-new user, in French, from nothing to a campaign's margin per order after every cost,
with a real Shopify export — every click and every typed field counted, and the wall time.

The journey: open the site, sign up, read the verification e-mail on the local SMTP server,
follow its link, create the organisation (a French shop), then the guided first run: the
catalogue step sends to the import of the order export (the real Shopify export of
``../shared/data/``), the products it sold come back with their average price and the unit
costs are typed in one table (a few typed, a share of the price for the others), the channel's
costs come from two presets (payment provider, carrier) plus the packaging typed (the units
per order come prefilled from the imported orders), and the first promotion opens on its
what-if with ``#margin-per-order``, every cost of an order in its waterfall and none said
unknown. The capacity side still says "capacity unknown" (no team described: the first run
has no team step, and the margin per order does not rest on it; the cost to deliver does).

The file: the only real export with many products (86 products sold, 50 orders) is a South African
shop's, in ZAR; the French shop keeps its books in euros and the importer rightly refuses a
file in another currency, so the test relabels the ``Currency`` cells EUR (amounts unchanged)
in a temporary copy, as the shop's own export would be.

What it reaches (the issue's aim: ≤ 12 clicks and ≤ 20 fields from the file to a first full
margin per order): 9 clicks and 8 fields from the guide's first page to the margin per order
(sign-up before it: 5 clicks, 4 fields); a click is a press on a link or button (following
the mail's link counts as one), a field is a box typed, a choice made in a list or a file
chosen. Two fixes brought it from 11 clicks: the catalogue step's "import an order export"
opens the import page itself (not the history step's choice between importing and typing a
day), and the finished import's page leads back to the guide's next step in one click (it
took two, by the dashboard's checklist). The counts and the wall time (10 to 14 s of browser
time in all, 7 to 11 s from the guide's first page, on a loaded 2-core machine) are printed
(``-s``).
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from campaigns.models import Product
from tests.browser.helpers import arrived, number, screenshot
from tests.mail import links_in

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EXPORT = DATA / "shopify_orders_export_kidsliving_2021-05_anon.csv"

# What the journey reaches, asserted (the aim: 12 and 20).
FROM_FILE_CLICKS = 9
FROM_FILE_FIELDS = 8


@dataclass
class Counted:
    """Clicks and typed fields, per phase of the journey."""

    page: Page
    phase: str = "sign-up"
    clicks: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def _note(self, kind: str, what: str) -> None:
        counts = self.clicks if kind == "click" else self.fields
        counts[self.phase] = counts.get(self.phase, 0) + 1
        self.log.append(f"{self.phase:10} {kind:5} {what}")

    def click(self, locator: Locator, what: str) -> None:
        self._note("click", what)
        locator.click()

    def follow(self, url: str, what: str) -> None:
        """A link opened from outside the page (the mail's): a click in the mail reader."""
        self._note("click", what)
        self.page.goto(url)

    def fill(self, locator: Locator, value: str, what: str) -> None:
        self._note("field", what)
        locator.fill(value)

    def choose(self, locator: Locator, value: str, what: str) -> None:
        self._note("field", what)
        locator.select_option(value)

    def upload(self, locator: Locator, path: Path, what: str) -> None:
        self._note("field", what)
        locator.set_input_files(str(path))


def _export_in_euros(tmp_path: Path) -> Path:
    """The real export with its ``Currency`` cells relabelled EUR (see the module's docstring)."""
    text = EXPORT.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("Currency")
    for row in rows[1:]:
        if len(row) > column and row[column] == "ZAR":
            row[column] = "EUR"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "orders_export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_new_shop_reaches_a_full_margin_per_order_from_its_shopify_export(page, smtp_server, tmp_path):
    if not EXPORT.exists():
        pytest.skip(f"{EXPORT} is absent: the real Shopify export lives in ../shared/data/ beside the project")
    export = _export_in_euros(tmp_path)
    user = Counted(page)
    started = time.perf_counter()

    # Sign-up, the mail, the organisation.
    page.goto("/")
    arrived(page, re.compile(r"/accounts/login/"))
    user.click(page.get_by_role("link", name="Créer un compte"), "Créer un compte")
    arrived(page, re.compile(r"/accounts/signup/$"))
    user.fill(page.locator("#id_email"), "ines@coton-et-lin.test", "e-mail")
    user.fill(page.locator("#id_password1"), "ficelle-et-pompon-27", "password")
    user.fill(page.locator("#id_password2"), "ficelle-et-pompon-27", "password again")
    user.click(page.get_by_role("button", name="Créer mon compte"), "Créer mon compte")
    arrived(page, re.compile(r"/accounts/confirm-email/$"))
    link = links_in(smtp_server.wait_for_message(1))[0]
    user.follow(urlsplit(link).path, "the mail's link")  # the link names the live server's host
    user.click(page.get_by_role("button", name="Confirmer"), "Confirmer")
    arrived(page, re.compile(r"/organisations/new/$"))
    expect(page.locator("#id_country")).to_have_value("FR")
    user.fill(page.locator("#id_name"), "Coton et Lin", "organisation's name")
    user.click(page.get_by_role("button", name="Créer l’organisation"), "Créer l’organisation")
    arrived(page, re.compile(r"/o/coton-et-lin/start/$"))
    signed_up = time.perf_counter()
    screenshot(page, "journey-first-run")

    # From the file: the catalogue step sends to the import.
    user.phase = "from file"
    user.click(page.locator("main a.button.primary").first, "Commencer")
    arrived(page, re.compile(r"/start/business/$"))
    user.click(page.get_by_role("button", name=re.compile("suivant", re.I)), "business: next")
    arrived(page, re.compile(r"/start/catalogue/$"))
    user.click(page.get_by_role("link", name="Importer un export de commandes"), "Importer un export de commandes")
    arrived(page, re.compile(r"/imports/$"))
    user.upload(page.locator("input[type=file]"), export, "the Shopify export")
    user.click(page.get_by_role("button", name="Aperçu"), "Aperçu")
    expect(page.locator("#preview")).to_be_visible()
    user.click(page.get_by_role("button", name=re.compile(r"Importer ces")), "Importer ces 50 commandes")
    expect(page.locator("#progress")).to_contain_text("commandes")
    expect(page.locator("#progress")).to_contain_text("50 nouvelles commandes")
    screenshot(page, "journey-import-done")

    # Back to the guide: the products the file sold, their costs in one table.
    expect(page.locator("#first-run-next")).to_contain_text("Démarrage guidé, ensuite")
    user.click(page.locator("#first-run-next a"), "Démarrage guidé, ensuite : vos produits")
    arrived(page, re.compile(r"/start/catalogue/$"))
    sold = page.locator("#sold-products")
    expect(sold).to_be_visible()
    rows = sold.locator("tbody tr")
    for k in range(3):  # the three best sellers' costs typed, the others as a share of the price
        user.fill(rows.nth(k).locator(f"input[name='cost_{k}']"), "40", f"unit cost {k + 1}")
    user.fill(sold.locator("#id_cost_share"), "45", "cost share of the others")
    screenshot(page, "journey-catalogue")
    user.click(sold.get_by_role("button"), "catalogue: next")

    # The channel: presets fill the payment fees and the shipping, the packaging typed.
    arrived(page, re.compile(r"/start/channel/$"))
    expect(page.locator("#id_units_per_order")).to_have_value("1.98")  # the imported orders' average, not the default 1
    user.choose(page.locator("#id_payment_preset"), "stripe", "payment provider")
    user.choose(page.locator("#id_carrier_preset"), "colissimo_home_1kg", "carrier")
    user.fill(page.locator("#id_packaging_cost"), "1.2", "packaging")
    screenshot(page, "journey-channel")
    user.click(page.get_by_role("button", name=re.compile("Enregistrer le canal")), "channel: next")

    # The first promotion, prefilled: its page shows the margin per order.
    arrived(page, re.compile(r"/start/promotion/$"))
    user.click(page.get_by_role("button", name="Voir sa marge"), "Voir sa marge")
    arrived(page, re.compile(r"/campaigns/\d+/$"))
    expect(page.locator("#margin-per-order")).to_be_visible()
    finished = time.perf_counter()
    screenshot(page, "journey-first-margin")

    # After every cost: goods, packaging, shipping and payment in the order's waterfall, and no
    # cost left unknown in the margin (the capacity side says the team is not described: the
    # first run has no team step, and the margin per order does not depend on it).
    assert number(page.locator("#margin-per-order").inner_text(), "fr") > 0
    waterfall = page.locator("main").inner_text()
    for line in ("Emballage -1.20 EUR", "Expédition -8.25 EUR"):
        assert line in waterfall
    assert not re.search(r"Marchandises -0\.00 EUR", waterfall) and "Paiement -0.00 EUR" not in waterfall
    margin_text = page.evaluate("""() => { const main = document.querySelector("main").cloneNode(true);
        main.querySelectorAll("#capacity-side").forEach(n => n.remove()); return main.innerText; }""")
    assert not re.search(r"inconnu|manquant", margin_text, re.I), "a cost of the margin is said unknown"
    assert not Product.objects.filter(organization__slug="coton-et-lin", unit_cost__lte=0).exclude(
        sku__in=["BugabooFox2"]).exists()  # every product sold has its cost (one sold at 0 costs 0)

    clicks, fields = user.clicks.get("from file", 0), user.fields.get("from file", 0)
    print("\n".join(["", "the journey's clicks and fields:", *user.log]))
    print(f"sign-up to the first run: {user.clicks['sign-up']} clicks, {user.fields['sign-up']} fields, "
          f"{signed_up - started:.1f} s; from the file to the margin per order: {clicks} clicks, {fields} fields, "
          f"{finished - signed_up:.1f} s; in all {finished - started:.1f} s (the browser's time, not a person's)")

    # The portfolio offers another organisation (a consultant's next client).
    page.goto("/")
    expect(page.get_by_role("link", name="Nouvelle organisation")).to_be_visible()

    assert clicks <= FROM_FILE_CLICKS, user.log
    assert fields <= FROM_FILE_FIELDS, user.log
