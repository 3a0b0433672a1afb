"""Mounted at ``o/<org>/kpis/reviews/`` (the paths reviews had inside kpis)."""

from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="reviews"),
    path("prepare/", views.review_prepare, name="review_prepare"),
    path("schedule/", views.pack_schedule, name="pack_schedule"),
    path("week/", views.review_week, name="review_week"),
    path("<int:review_id>/", views.review_detail, name="review"),
    path("<int:review_id>/print/", views.review_print, name="review_print"),
    path("<int:review_id>/export/", views.review_export, name="review_export"),
    path("<int:review_id>/refresh/", views.review_refresh, name="review_refresh"),
    path("<int:review_id>/notes/", views.review_notes, name="review_notes"),
    path("<int:review_id>/reviewed/", views.review_mark_reviewed, name="review_mark_reviewed"),
    path("<int:review_id>/send/", views.review_send, name="review_send"),
    path("<int:review_id>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:decision_id>/done/", views.decision_done, name="decision_done"),
]
