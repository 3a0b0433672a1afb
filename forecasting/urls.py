from django.urls import path

from forecasting import views

app_name = "forecasting"
urlpatterns = [
    path("", views.forecast_page, name="page"),
]
