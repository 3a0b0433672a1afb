"""A review's pack as tables: CSV blocks for French Excel, or an XLSX workbook, in the active
language: the organisation and the week, the notes, the signals, the decisions, the KPIs
(the same content as the PDF, :mod:`reviews.pack`). Text typed by users or imported is
escaped against formula injection (:mod:`plannerist.csv_safe`)."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kpis.engine import KpiDefinition
from kpis.pages import UNITS
from plannerist.csv_safe import escape_frame
from reviews.models import WeeklyReview
from reviews.pack import Pack

_SPACES = re.compile(r"\s+")


def _unit(definition: KpiDefinition, currency: str) -> str:
    return currency if definition.unit == "currency" else str(UNITS[definition.unit])


def _in_unit(value: float | None, definition: KpiDefinition) -> float | None:
    return None if value is None else round(value * (100.0 if definition.unit == "share" else 1.0), 2)


def signal_text(signal, organization) -> str:
    """The signal's sentence with its evidence, as the pages write it, in plain text."""
    html = render_to_string("kpis/_signal_reason.html", {"s": signal, "organization": organization})
    return _SPACES.sub(" ", strip_tags(html)).strip()


def export_frames(pack: Pack) -> list[tuple[str, pd.DataFrame]]:
    """The pack's tables, (title, frame), headers in the active language. Shares are in %
    (their change in points), amounts in the organisation's currency."""
    org, review = pack.organization, pack.review
    head = pd.DataFrame([
        [_("Organisation"), org.name], [_("ISO week"), pack.week],
        [_("First day"), pack.week_start.isoformat()], [_("Last day"), pack.week_end.isoformat()],
        [_("Reviewed by"), str(review.reviewed_by) if review.reviewed_by else ""],
        [_("Reviewed at"), review.reviewed_at.isoformat(timespec="minutes") if review.reviewed_at else ""],
    ], columns=[_("Field"), _("Value")])
    notes = pd.DataFrame({_("Notes"): [pack.notes]})
    signals = pd.DataFrame(
        [[capfirst(str(s.get_action_display())), capfirst(str(s.get_side_display())), signal_text(s, org),
          s.campaign.name if s.campaign_id else ""] for s in pack.signals],
        columns=[_("Signal"), _("Side"), _("Evidence"), _("Campaign")],
    )
    decisions = pd.DataFrame(
        [[str(d.get_action_display()), d.text, str(d.owner) if d.owner else "", d.due.isoformat() if d.due else "",
          d.campaign.name if d.campaign else "", _("yes") if d.done else _("no")] for d in pack.decisions],
        columns=[_("Decision"), _("What exactly"), capfirst(_("owner")), _("Due"), _("Campaign"), _("Done")],
    )
    kpi_rows = []
    for row in [r for pair in pack.pairs for r in pair.rows] + pack.other_kpis:
        d = row.definition
        kpi_rows.append({
            _("KPI"): row.label, _("Unit"): _unit(d, org.currency),
            _("This week"): _in_unit(row.this_week, d), _("Last week"): _in_unit(row.last_week, d),
            pgettext("week on week", "Change"): _in_unit(row.change, d), _("Target"): _in_unit(row.target, d),
            _("Definition"): _(d.formula),
        })
    return [(_("Organisation"), head), (_("Notes"), notes), (_("Signals"), signals), (_("Decisions"), decisions),
            (_("KPIs"), pd.DataFrame(kpi_rows))]


def review_csv(pack: Pack) -> str:
    """The tables for French Excel (``;``, decimal comma), one block each, separated by a
    blank line; every text cell escaped against formula injection. The caller adds the BOM
    when it encodes."""
    return "\r\n".join(
        escape_frame(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        for _title, frame in export_frames(pack)
    )


def review_xlsx(pack: Pack) -> bytes:
    """A workbook, one sheet per table. Text typed by users is written as text, never as a
    formula (openpyxl would otherwise take ``=…`` for one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    for k, (title, frame) in enumerate(export_frames(pack)):
        sheet = workbook.active if k == 0 else workbook.create_sheet()
        sheet.title = title[:31]
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 60 if frame.shape[1] == 1 else 18
        for values in frame.itertuples(index=False, name=None):
            sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"
                if isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(review: WeeklyReview, extension: str) -> str:
    return f"plannerist-{review.organization.slug}-review-{review.week}.{extension}"
