from django.urls import path

from kpis import product_views, review_views, views

app_name = "kpis"
urlpatterns = [
    path("", views.kpi_list, name="list"),
    path("status/", views.recompute_status, name="status"),
    path("targets/", views.targets, name="targets"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("today/", views.quick_entry, name="quick_entry"),
    path("imports/", views.imports, name="imports"),
    path("imports/template/", views.import_template, name="template"),
    path("imports/<int:batch_id>/", views.import_detail, name="import"),
    path("imports/<int:batch_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("products/missing/", product_views.missing_products, name="missing_products"),
    path("codes/", views.discount_codes, name="codes"),
    path("codes/<int:discount_code_id>/delete/", views.discount_code_delete, name="code_delete"),
    path("campaigns/<int:campaign_id>/", views.campaign_review, name="campaign"),
]

urlpatterns += [
    path("reviews/", review_views.review_list, name="reviews"),
    path("reviews/prepare/", review_views.review_prepare, name="review_prepare"),
    path("reviews/week/", review_views.review_week, name="review_week"),
    path("reviews/<int:review_id>/", review_views.review_detail, name="review"),
    path("reviews/<int:review_id>/print/", review_views.review_print, name="review_print"),
    path("reviews/<int:review_id>/export/", review_views.review_export, name="review_export"),
    path("reviews/<int:review_id>/refresh/", review_views.review_refresh, name="review_refresh"),
    path("reviews/<int:review_id>/notes/", review_views.review_notes, name="review_notes"),
    path("reviews/<int:review_id>/reviewed/", review_views.review_mark_reviewed, name="review_mark_reviewed"),
    path("reviews/<int:review_id>/decisions/", review_views.decision_add, name="decision_add"),
    path("reviews/decisions/<int:decision_id>/done/", review_views.decision_done, name="decision_done"),
]
