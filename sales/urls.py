from django.urls import path

from sales import views

# Under /o/<slug>/kpis/ as before the move (bookmarked pages keep working).
app_name = "sales"
urlpatterns = [
    path("today/", views.quick_entry, name="quick_entry"),
    path("imports/", views.imports, name="imports"),
    path("imports/template/", views.import_template, name="template"),
    path("imports/<int:batch_id>/", views.import_detail, name="import"),
    path("imports/<int:batch_id>/columns/", views.import_mapping, name="import_mapping"),
    path("imports/<int:batch_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
]
