from django.urls import path

from kpis import product_views, views

app_name = "kpis"
urlpatterns = [
    path("", views.kpi_list, name="list"),
    path("status/", views.recompute_status, name="status"),
    path("targets/", views.targets, name="targets"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("products/missing/", product_views.missing_products, name="missing_products"),
    path("codes/", views.discount_codes, name="codes"),
    path("codes/<int:discount_code_id>/delete/", views.discount_code_delete, name="code_delete"),
    path("campaigns/<int:campaign_id>/", views.campaign_review, name="campaign"),
]
