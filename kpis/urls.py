from django.urls import path

from kpis import product_views, views

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
