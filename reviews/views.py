"""Weekly reviews: the history, one week's review, its decisions, the printable view, exports."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kpis.engine.rules import last_complete_week
from plannerist.tenancy import Access, can_write_reviews, org_view
from reviews import exports, selectors, services
from reviews import render as pack_render
from reviews.forms import (
    DecisionDoneForm,
    DecisionForm,
    ExportForm,
    NotesForm,
    PackScheduleForm,
    SendForm,
    WeekForm,
)
from reviews.models import PackSchedule, ReviewDecision, WeeklyReview
from reviews.pack import weekly_pack
from reviews.summary import (
    review_summary,
    summary_campaigns,
    summary_kpi_groups,
    summary_signals,
    week_context,
    week_label,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bad_filter(form: Form) -> HttpResponse:
    return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")


def _last_week(access: Access) -> dt.date:
    return last_complete_week(access.organization.today())


def _schedule_of(access: Access) -> PackSchedule | None:
    return access.scoped(PackSchedule).filter(consultant=access.membership.user_id).first()


def _list_page(request: HttpRequest, access: Access, prepare_form: WeekForm, *, status: int = 200,
               schedule_form: PackScheduleForm | None = None) -> HttpResponse:
    org_id = access.organization.id
    can_write = access.can(can_write_reviews)
    if schedule_form is None and can_write:
        schedule = _schedule_of(access)
        schedule_form = PackScheduleForm(instance=schedule, initial={} if schedule else {"active": False})
    return render(request, "reviews/review_list.html", {
        "reviews": selectors.reviews_of(org_id), "last_reviewed_at": selectors.last_reviewed_at(org_id),
        "prepare_form": prepare_form, "last_week": week_label(_last_week(access)),
        "can_write": can_write, "schedule_form": schedule_form,
    }, status=status)


def _summary_context(summary: dict) -> dict:
    return {"kpi_groups": summary_kpi_groups(summary), "signals": summary_signals(summary),
            "campaigns": summary_campaigns(summary)}


def _decisions_context(access: Access, review: WeeklyReview, form: DecisionForm | None = None) -> dict:
    return {"review": review, "decisions": selectors.decisions_of(review),
            "decision_form": form or DecisionForm(organization=access.organization),
            "can_write": access.can(can_write_reviews)}


def _review_context(access: Access, review: WeeklyReview, **forms) -> dict:
    return {**_summary_context(review.summary), **_decisions_context(access, review, forms.get("decision_form")),
            **week_context(review.week_start),
            "notes_form": forms.get("notes_form") or NotesForm(instance=review),
            "send_form": forms.get("send_form") or SendForm(organization=access.organization),
            "owners": services.pack_recipients(organization=access.organization),
            "send_error": forms.get("send_error", "")}


def _back_to(access: Access, review: WeeklyReview) -> HttpResponse:
    return redirect("reviews:review", org_slug=access.organization.slug, review_id=review.pk)


@org_view()
def review_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The history, newest week first; writers prepare a week's review from here."""
    return _list_page(request, access, WeekForm(initial={"week": week_label(_last_week(access))}))


@org_view(methods=("POST",))
def review_prepare(request: HttpRequest, access: Access) -> HttpResponse:
    access.require(can_write_reviews)
    form = WeekForm(request.POST, required=True)
    if not form.is_valid():
        return _list_page(request, access, form, status=400)
    review, _created = services.review_draft_get_or_create(
        organization=access.organization, week_start=form.week_start(default=_last_week(access)))
    return _back_to(access, review)


@org_view()
def review_week(request: HttpRequest, access: Access) -> HttpResponse:
    """``?week=2026-W47`` (default: last week): its review, or a preview of its summary."""
    form = WeekForm(request.GET)
    if not form.is_valid():
        return _bad_filter(form)
    week_start = form.week_start(default=_last_week(access))
    review = access.scoped(WeeklyReview).filter(week_start=week_start).first()
    if review is not None:
        return _back_to(access, review)
    summary = review_summary(organization=access.organization, week_start=week_start)
    return render(request, "reviews/review_detail.html", {
        **_summary_context(summary), **week_context(week_start), "review": None,
        "can_write": access.can(can_write_reviews),
    })


@org_view(review=WeeklyReview)
def review_detail(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    return render(request, "reviews/review_detail.html", _review_context(access, review))


@org_view(review=WeeklyReview)
def review_print(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    """Everything on one page without controls, for the browser's print (see app.css)."""
    return render(request, "reviews/review_print.html", {
        **_summary_context(review.summary), **week_context(review.week_start), "review": review,
        "decisions": selectors.decisions_of(review),
    })


@org_view(review=WeeklyReview)
def review_export(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    """The pack as a file: the PDF in the organisation's language (what the client reads),
    CSV and XLSX in the reader's."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _bad_filter(form)
    chosen = form.chosen()
    if chosen == "pdf":
        try:
            response = HttpResponse(pack_render.review_pdf(review), content_type="application/pdf")
        except pack_render.RenderError as error:
            return HttpResponse(_("The PDF could not be made (%(error)s): download the CSV or XLSX instead.")
                                % {"error": error}, status=503, content_type="text/plain; charset=utf-8")
    elif chosen == "xlsx":
        response = HttpResponse(exports.review_xlsx(weekly_pack(review)), content_type=XLSX)
    else:
        csv = "\ufeff" + exports.review_csv(weekly_pack(review))
        response = HttpResponse(csv.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(review, chosen)}"'
    return response


@org_view(methods=("POST",), review=WeeklyReview)
def review_refresh(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    access.require(can_write_reviews)
    try:
        services.review_summary_refresh(review=review)
        messages.success(request, _("Summary taken again from the latest figures."))
    except services.ReviewLocked:
        messages.error(request, _("This review is marked reviewed: it keeps the figures that were reviewed."))
    return _back_to(access, review)


@org_view(methods=("POST",), review=WeeklyReview)
def review_notes(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    access.require(can_write_reviews)
    form = NotesForm(request.POST, instance=review)
    if not form.is_valid():
        return render(request, "reviews/review_detail.html", _review_context(access, review, notes_form=form), status=400)
    services.review_notes_save(review=review, notes=form.cleaned_data["notes"])
    messages.success(request, _("Notes saved."))
    return _back_to(access, review)


@org_view(methods=("POST",), review=WeeklyReview)
def review_mark_reviewed(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    access.require(can_write_reviews)
    services.review_mark_reviewed(review=review, by=request.user)
    messages.success(request, _("Week %(week)s marked reviewed.") % {"week": review.week})
    return _back_to(access, review)


def _after_decision_change(request: HttpRequest, access: Access, review: WeeklyReview,
                           form: DecisionForm | None = None) -> HttpResponse:
    """htmx: the decisions partial (with the form's errors and a 400, if any); else back to the page."""
    if request.htmx:
        return render(request, "reviews/review_detail.html#decisions", _decisions_context(access, review, form),
                      status=400 if form is not None and form.errors else 200)
    if form is not None:
        return render(request, "reviews/review_detail.html", _review_context(access, review, decision_form=form),
                      status=400)
    return _back_to(access, review)


@org_view(methods=("POST",), review=WeeklyReview)
def decision_add(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    access.require(can_write_reviews)
    form = DecisionForm(request.POST, organization=access.organization)
    if not form.is_valid():
        return _after_decision_change(request, access, review, form)
    services.decision_add(review=review, **form.cleaned_data)
    return _after_decision_change(request, access, review)


@org_view(methods=("POST",), decision=(ReviewDecision, "review__organization"))
def decision_done(request: HttpRequest, access: Access, decision: ReviewDecision) -> HttpResponse:
    """Done (or open again): review writers, and the decision's owner."""
    access.require(partial(selectors.can_mark_decision_done, decision=decision))
    form = DecisionDoneForm(request.POST)
    form.is_valid()  # a missing box is "not done"
    services.decision_set_done(decision=decision, done=form.cleaned_data["done"])
    return _after_decision_change(request, access, decision.review)


@org_view(methods=("POST",), review=WeeklyReview)
def review_send(request: HttpRequest, access: Access, review: WeeklyReview) -> HttpResponse:
    """E-mail the pack to the owners and the chosen members; never unreviewed (400)."""
    access.require(can_write_reviews)
    form = SendForm(request.POST, organization=access.organization)
    error = ""
    if not review.is_reviewed:
        error = _("This pack is not reviewed yet: mark the review as reviewed before sending it.")
    elif form.is_valid():
        to = services.pack_recipients(organization=access.organization, chosen=form.cleaned_data["members"])
        try:
            outcome = services.review_send(review=review, by=request.user, to=to)
        except services.NoRecipient:
            error = _("Nobody to send the pack to: the organisation has no owner with an e-mail address; choose a member.")
        except pack_render.RenderError as failure:
            messages.error(request, _("The PDF could not be made (%(error)s): download the CSV or XLSX instead.")
                           % {"error": failure})
            return _back_to(access, review)
        else:
            if outcome:
                messages.success(request, _("Pack sent to %(to)s.") % {"to": ", ".join(outcome.to)})
            else:
                messages.error(request, _("The pack was not sent (%(reason)s): download the PDF and send it yourself.")
                               % {"reason": outcome.reason})
            return _back_to(access, review)
    return render(request, "reviews/review_detail.html",
                  _review_context(access, review, send_form=form, send_error=error), status=400)


@org_view(methods=("POST",))
def pack_schedule(request: HttpRequest, access: Access) -> HttpResponse:
    """The consultant's schedule for this organisation's reviewed packs."""
    access.require(can_write_reviews)
    form = PackScheduleForm(request.POST, instance=_schedule_of(access))
    if not form.is_valid():
        return _list_page(request, access, WeekForm(initial={"week": week_label(_last_week(access))}), status=400,
                          schedule_form=form)
    schedule = services.pack_schedule_save(organization=access.organization, consultant=request.user,
                                           **form.cleaned_data)
    if schedule.active:
        messages.success(request, _("Reviewed packs will be sent on %(day)s at %(hour)s:00.")
                         % {"day": schedule.get_weekday_display(), "hour": f"{schedule.hour:02d}"})
    else:
        messages.success(request, _("Packs are no longer sent by themselves."))
    return redirect("reviews:reviews", org_slug=access.organization.slug)
