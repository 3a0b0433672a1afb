"""A review as a file: CSV for French Excel, or an XLSX workbook, headers in the active language."""

from __future__ import annotations

import io
import math

import pandas as pd
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kpis.engine import KpiDefinition
from kpis.pages import UNITS
from plannerist.csv_safe import escape_frame
from reviews.models import WeeklyReview
from reviews.selectors import decisions_of
from reviews.summary import summary_kpi_groups


def _unit(definition: KpiDefinition, currency: str) -> str:
    return currency if definition.unit == "currency" else str(UNITS[definition.unit])


def _in_unit(value: float | None, definition: KpiDefinition) -> float | None:
    return None if value is None else round(value * (100.0 if definition.unit == "share" else 1.0), 2)


def export_frames(review: WeeklyReview) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary's KPI rows and the decisions, with headers in the active language.
    Shares are in % (their change in points), amounts in the organisation's currency."""
    currency = review.organization.currency
    kpi_rows = []
    for _title, rows in summary_kpi_groups(review.summary):
        for row in rows:
            d = row.definition
            kpi_rows.append({
                _("KPI"): row.label, _("Unit"): _unit(d, currency),
                _("This week"): _in_unit(row.this_week, d), _("Last week"): _in_unit(row.last_week, d),
                pgettext("week on week", "Change"): _in_unit(row.change, d), _("Target"): _in_unit(row.target, d),
            })
    decision_columns = [_("Decision"), _("What exactly"), capfirst(_("owner")), _("Due"), _("Campaign"), _("Done")]
    decisions = [
        [str(d.get_action_display()), d.text, str(d.owner) if d.owner else "", d.due.isoformat() if d.due else "",
         d.campaign.name if d.campaign else "", _("yes") if d.done else _("no")]
        for d in decisions_of(review)
    ]
    return pd.DataFrame(kpi_rows), pd.DataFrame(decisions, columns=decision_columns)


def review_csv(review: WeeklyReview) -> str:
    """Two tables for French Excel (``;``, decimal comma) separated by a blank line; every
    text cell escaped against formula injection. The caller adds the BOM when it encodes."""
    summary, decisions = export_frames(review)
    return "\r\n".join(
        escape_frame(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        for frame in (summary, decisions)
    )


def review_xlsx(review: WeeklyReview) -> bytes:
    """A workbook with a summary sheet and a decisions sheet. Text typed by users is written
    as text, never as a formula (openpyxl would otherwise take ``=…`` for one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    summary, decisions = export_frames(review)
    workbook = Workbook()
    sheets = [(workbook.active, _("Summary"), summary), (workbook.create_sheet(), _("Decisions"), decisions)]
    for sheet, title, frame in sheets:
        sheet.title = title[:31]
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 16
        for values in frame.itertuples(index=False, name=None):
            sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(review: WeeklyReview, extension: str) -> str:
    return f"plannerist-{review.organization.slug}-review-{review.week}.{extension}"
