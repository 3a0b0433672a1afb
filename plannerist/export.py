"""A whole organisation's data as its owner takes it away: one JSON file, or a zip of CSVs.

The tables are found, not listed: every model whose rows are deleted with the organisation
(a chain of non-null ``CASCADE`` foreign keys up to :class:`Organization`), the many-to-many
tables included. A model added later is exported without touching this file, and each
table is read through its own path to the organisation, so no other organisation's row
can come along. The members' accounts are exported too, with their names and e-mail only.

The file is built in a temporary file (in memory while small), not in a string: an
organisation with years of imported orders must not hold the web process's memory.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from plannerist.csv_safe import escape_cell
from plannerist.models import Membership, Organization, User

FORMAT_NAME = "plannerist-organisation-export"
# 2: the weekly reviews' tables are named after the app that holds them now
# (reviews.weeklyreview, reviews.reviewdecision; kpis.… in version 1).
# 3: what the shop sold likewise (sales.channel, sales.importbatch, sales.dailyactual,
# sales.discountcode, sales.importedorder, sales.importedline: campaigns.channel and kpis.… in
# version 2), and a day's, order's or code's campaign is the column ``campaign_id`` as before.
FORMAT_VERSION = 3
MEMBER_FIELDS = ("id", "email", "first_name", "last_name")
_SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    """One exported table: its model and the lookup from a row to its organisation."""

    model: type[models.Model]
    path: str  # "" for the organisation itself

    @property
    def name(self) -> str:
        return self.model._meta.label_lower

    def columns(self) -> list[str]:
        """Every column but the model's ``export_omitted_fields``: working data such as an
        import preview's lines, which is not the organisation's to take away."""
        omitted = set(getattr(self.model, "export_omitted_fields", ()))
        return [field.attname for field in self.model._meta.concrete_fields if field.name not in omitted]

    def rows(self, organization: Organization) -> models.QuerySet:
        lookup = {self.path: organization} if self.path else {"pk": organization.pk}
        return self.model._default_manager.filter(**lookup).order_by("pk").values_list(*self.columns())


def _owning_fields(model: type[models.Model]) -> Iterator[models.ForeignKey]:
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.ForeignKey)
            and not field.null
            and field.remote_field.on_delete is models.CASCADE
        ):
            yield field


def org_tables() -> list[Table]:
    """Every table whose rows belong to one organisation, the shortest path to it first found."""
    paths: dict[type[models.Model], str] = {Organization: ""}
    candidates = [m for m in apps.get_models(include_auto_created=True) if m is not Organization]
    while True:
        level = {}
        for model in candidates:
            if model in paths:
                continue
            for field in _owning_fields(model):
                if field.related_model in paths:
                    above = paths[field.related_model]
                    level[model] = f"{field.name}__{above}" if above else field.name
                    break
        if not level:
            break
        paths.update(level)
    return [Table(model, path) for model, path in paths.items()]


def _members(organization: Organization) -> models.QuerySet:
    member_ids = Membership.objects.filter(organization=organization).values("user_id")
    return User.objects.filter(pk__in=member_ids).order_by("pk").values_list(*MEMBER_FIELDS)


def _sections(organization: Organization) -> Iterator[tuple[str, list[str], Iterator[tuple]]]:
    """(table name, columns, rows) for every table, the members' accounts first."""
    yield "plannerist.member", list(MEMBER_FIELDS), _members(organization).iterator(chunk_size=2000)
    for table in sorted(org_tables(), key=lambda t: t.name):
        yield table.name, table.columns(), table.rows(organization).iterator(chunk_size=2000)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN: a value that could not be computed is null
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _csv_value(value: Any) -> object:
    """A cell as French Excel reads it (decimal comma), never a formula."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return str(value).replace(".", ",")
    if isinstance(value, dict | list):
        return escape_cell(json.dumps(value, ensure_ascii=False))
    if isinstance(value, str):
        return escape_cell(value)
    return _json_value(value)


@dataclass(frozen=True)
class Export:
    file: IO[bytes]
    filename: str
    content_type: str


def organization_export(*, organization: Organization, fmt: str, now: dt.datetime | None = None) -> Export:
    """The organisation's data as ``fmt`` ("json" or "csv"), in a file rewound to its start."""
    now = now or timezone.now()
    stem = f"{organization.slug}-export-{timezone.localtime(now):%Y%m%d-%H%M}"
    out = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # the response closes it
    if fmt == "json":
        _write_json(out, organization, now)
        export = Export(out, f"{stem}.json", "application/json")
    elif fmt == "csv":
        _write_csv_zip(out, organization)
        export = Export(out, f"{stem}.zip", "application/zip")
    else:
        out.close()
        raise ValueError(f"unknown export format {fmt!r}")
    out.seek(0)
    return export


def _write_json(out: IO[bytes], organization: Organization, now: dt.datetime) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    head = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "organization": {"id": organization.pk, "slug": organization.slug, "name": organization.name},
    }
    text.write("{")
    for key, value in head.items():
        text.write(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}, ")
    text.write('"tables": {')
    for number, (name, columns, rows) in enumerate(_sections(organization)):
        text.write(("," if number else "") + f"\n{json.dumps(name)}: [")
        for index, row in enumerate(rows):
            record = {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
            text.write(("," if index else "") + "\n  " + json.dumps(record, ensure_ascii=False))
        text.write("]")
    text.write("\n}}\n")
    text.detach()  # leave ``out`` open for the response


def _write_csv_zip(out: IO[bytes], organization: Organization) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns, rows in _sections(organization):
            with archive.open(f"{name}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_csv_value(value) for value in row])
                text.flush()
                text.detach()
