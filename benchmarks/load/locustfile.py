"""The load test's users, against the stack (``scripts/stack``); run by ``bench_load.py``.

- organisation owners (the rest of the users): their dashboard, its period swap (htmx),
  the campaign what-if partial as they type (htmx POST with the CSRF header), the KPI page;
- two consultants: the portfolio of all the organisations, any one's dashboard and KPIs;
- one owner importing a few orders now and then (Plannerist CSV template: upload, preview,
  confirm, result page);
- one probe alternating the two baselines, ``/healthz/`` (no query) and ``/healthz/db/``
  (one ``SELECT 1``): what any request costs on this stack, to compare the pages with.

Each user logs in once, with its own account and the right password (``population.py``):
no failure is ever counted by the login throttle. Statistics restart once every user is in,
so that the figures are those of the steady state, not of the logins (each hashes a
password, deliberately slow). Browsers' headers are sent: ``Origin`` and ``Referer`` on
every POST (Django's CSRF check over https wants one of them), ``HX-Request`` on partials.

Environment: ``PLANNERIST_LOAD_PASSWORD`` (required), ``PLANNERIST_LOAD_ORGANISATIONS``
(20, as seeded), ``PLANNERIST_LOAD_CA`` (the certificate to trust, the stack's own).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import re
import uuid
from html.parser import HTMLParser

import population
from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("PLANNERIST_LOAD_PASSWORD", "")
ORGANISATIONS = int(os.environ.get("PLANNERIST_LOAD_ORGANISATIONS", "20"))
CA = os.environ.get("PLANNERIST_LOAD_CA") or True
PERIODS = ("week", "month", "quarter")
HTMX = {"HX-Request": "true"}
_organisations = itertools.count()  # each owner gets the next organisation
_users_in = 0


class FormFields(HTMLParser):
    """What a browser would send for the form with this id (field name → values)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "button", "file", "reset"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
        elif tag == "option" and self._select:
            name, multiple = self._select
            if "selected" in a or (not multiple and name not in self.fields):
                values = self.fields.setdefault(name, [])
                if not multiple:
                    values.clear()  # a single select sends its selected option, else its first
                values.append(a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea][0] += data


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


class PlanneristUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.verify = CA
        try:
            self.set_up()
        finally:
            _user_in(self)

    def set_up(self) -> None:
        raise NotImplementedError

    def post_headers(self, referer_path: str, **extra: str) -> dict[str, str]:
        return {"Origin": self.host, "Referer": self.host + referer_path,
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""), **extra}

    def log_in(self, email: str) -> None:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/", data={"login": email, "password": PASSWORD}, name="login",
            headers=self.post_headers("/accounts/login/"), allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"login refused for {email}: {response.status_code}")

    def page(self, path: str, name: str, marker: bytes, *, htmx: bool = False) -> str:
        """GET a page (no redirect followed: a login redirect is a failure) and check it."""
        with self.client.get(path, name=name, headers=HTMX if htmx else None, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            elif marker not in response.content:
                response.failure(f"{path}: {marker!r} missing")
            elif htmx and b"<html" in response.content:
                response.failure(f"{path}: a whole page instead of the partial")
            return response.text


def _user_in(user: HttpUser) -> None:
    """Count the users in; when the last one is, restart the statistics (the steady state)."""
    global _users_in
    _users_in += 1
    runner = user.environment.runner
    if runner is not None and _users_in == runner.target_user_count:
        login = user.environment.stats.get("login", "POST")
        print(f"All {_users_in} users in: {login.num_requests} logins, {login.num_failures} refused, "
              f"median {login.median_response_time:.0f} ms", flush=True)
        if login.num_failures == 0 and user.environment.stats.total.num_failures == 0:
            user.environment.stats.reset_all()
        else:  # keep the failures in the figures: they must fail the run
            print("Failures while logging in or setting up: the statistics keep them", flush=True)


class OrganisationOwner(PlanneristUser):
    weight = 1
    wait_time = between(0.5, 2.5)

    def set_up(self) -> None:
        number = next(_organisations) % ORGANISATIONS + 1
        self.root = f"/o/{population.organisation_slug(number)}/"
        self.log_in(population.owner_email(number))
        campaigns = self.page(self.root + "campaigns/", "campaign list", b"<table")
        ids = sorted(set(re.findall(r'/campaigns/(\d+)/"', campaigns)))
        self.campaign_path = f"{self.root}campaigns/{random.choice(ids)}/" if ids else self.root + "campaigns/new/"
        page = self.page(self.campaign_path, "campaign page", b'id="plan-form"')
        self.plan = form_fields(page, "plan-form")

    @task(4)
    def dashboard(self) -> None:
        self.page(self.root, "dashboard", b'id="pairs"')

    @task(3)
    def period_swap(self) -> None:
        self.page(f"{self.root}?period={random.choice(PERIODS)}", "dashboard period swap (htmx)", b'id="pairs"',
                  htmx=True)

    @task(6)
    def whatif(self) -> None:
        # What a user types: another depth, another expected uplift within the plan's own
        # low–high range (outside it the form refuses the uplift and shows no result).
        low, high = (_percent(self.plan, f"uplift_{end}", default) for end, default in (("low", 10), ("high", 150)))
        data = {**self.plan, "discount_rate": [str(random.randrange(5, 45, 5))],
                "uplift": [str(random.randint(int(low), int(high)))]}
        with self.client.post(
            self.root + "campaigns/whatif/", data=data, name="what-if partial", allow_redirects=False,
            headers=self.post_headers(self.campaign_path, **HTMX), catch_response=True,
        ) as response:
            if response.status_code != 200 or b'id="margin-per-order"' not in response.content:
                response.failure(f"what-if: {response.status_code}, no result")

    @task(1)
    def kpis(self) -> None:
        self.page(f"{self.root}kpis/?period={random.choice(PERIODS)}", "kpi page", b"<table")


def _percent(fields: dict[str, list[str]], name: str, default: float) -> float:
    try:
        return float(fields.get(name, [""])[0].replace(",", ".").replace("\u202f", ""))
    except ValueError:
        return default


class Consultant(PlanneristUser):
    fixed_count = 2
    wait_time = between(1, 4)

    def set_up(self) -> None:
        self.log_in(population.CONSULTANT_EMAIL)

    def some_organisation(self) -> str:
        return f"/o/{population.organisation_slug(random.randint(1, ORGANISATIONS))}/"

    @task(3)
    def portfolio(self) -> None:
        self.page("/", "portfolio", b'id="portfolio"')

    @task(2)
    def dashboard(self) -> None:
        self.page(self.some_organisation(), "dashboard", b'id="pairs"')

    @task(1)
    def kpis(self) -> None:
        self.page(self.some_organisation() + "kpis/", "kpi page", b"<table")


class ImportingOwner(PlanneristUser):
    fixed_count = 1
    wait_time = between(5, 10)

    def set_up(self) -> None:
        number = next(_organisations) % ORGANISATIONS + 1
        self.imports = f"/o/{population.organisation_slug(number)}/kpis/imports/"
        self.log_in(population.owner_email(number))

    @task
    def small_import(self) -> None:
        self.page(self.imports, "imports page", b'name="files"')
        with self.client.post(
            self.imports, name="import preview", data={"format": "generic"}, allow_redirects=False,
            files={"files": ("orders.csv", _orders_csv(), "text/csv")}, headers=self.post_headers(self.imports),
            catch_response=True,
        ) as response:
            confirm = re.search(r'action="([^"]+/confirm/)"', response.text)
            if response.status_code != 200 or confirm is None:
                response.failure(f"preview: {response.status_code}, nothing to confirm")
                return
        with self.client.post(
            confirm[1], name="import confirm", headers=self.post_headers(self.imports), allow_redirects=False,
            catch_response=True,
        ) as response:
            result = response.headers.get("Location", "")
            if response.status_code != 302 or "/imports/" not in result:
                response.failure(f"confirm: {response.status_code}")
                return
        self.page(result, "import result", b'id="progress"')


def _orders_csv() -> bytes:
    """A few orders of the last days, new ids each time, as the template's CSV."""
    day = dt.date.today() - dt.timedelta(days=random.randint(1, 6))
    lines = ["order_id;date;sku;quantity;unit_price;customer"]
    for _ in range(random.randint(3, 8)):
        lines.append(";".join([
            f"LT-{uuid.uuid4().hex[:12]}", day.strftime("%d/%m/%Y 11:30"), random.choice(population.IMPORT_SKUS),
            str(random.randint(1, 3)), "29,00", f"client{random.randint(1, 400)}@example.fr",
        ]))
    return ("\r\n".join(lines) + "\r\n").encode()


class HealthProbe(HttpUser):
    """The baselines: no login, every half second."""

    fixed_count = 1
    wait_time = constant(0.5)

    def on_start(self) -> None:
        self.client.verify = CA
        _user_in(self)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz/", name="health (no query)")

    @task
    def healthz_db(self) -> None:
        self.client.get("/healthz/db/", name="health (one query)")
