from django.urls import path

from capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.peak, name="peak"),
    path("resources/<int:resource_id>/staff/", views.staff_add, name="staff_add"),
    path("staff/<int:staff_member_id>/remove/", views.staff_remove, name="staff_remove"),
    path("staff/<int:staff_member_id>/absences/", views.absence_add, name="absence_add"),
    path("absences/<int:absence_id>/remove/", views.absence_remove, name="absence_remove"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/demand/", views.plan_edit, name="plan"),
    path("resources/new/", views.resource_new, name="resource_new"),
    path("resources/<int:resource_id>/", views.resource_edit, name="resource"),
    path("resources/<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
    path("stock/new/", views.stock_new, name="stock_new"),
    path("stock/<int:stock_item_id>/", views.stock_edit, name="stock"),
    path("stock/<int:stock_item_id>/delete/", views.stock_delete, name="stock_delete"),
    path("stock/<int:stock_item_id>/replenishments/", views.replenishment_add, name="replenishment_add"),
    path("replenishments/<int:replenishment_id>/remove/", views.replenishment_remove, name="replenishment_remove"),
    path("automations/new/", views.automation_new, name="automation_new"),
    path("automations/<int:automation_id>/", views.automation_edit, name="automation"),
    path("automations/<int:automation_id>/delete/", views.automation_delete, name="automation_delete"),
]
