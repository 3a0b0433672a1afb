from django.urls import path

from campaigns import catalogue_views, scenario_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("whatif/", views.whatif, name="whatif"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/whatif/", views.campaign_whatif, name="campaign_whatif"),
    path("<int:campaign_id>/status/", views.campaign_status, name="status"),
    path("<int:campaign_id>/comments/", views.campaign_comment, name="comment"),
    path("<int:campaign_id>/scenarios/", scenario_views.scenario_compare, name="scenarios"),
    path("scenarios/<int:scenario_id>/", scenario_views.scenario_detail, name="scenario"),
    path("scenarios/<int:scenario_id>/whatif/", scenario_views.scenario_whatif, name="scenario_whatif"),
    path("scenarios/<int:scenario_id>/choose/", scenario_views.scenario_choose, name="scenario_choose"),
    path("scenarios/<int:scenario_id>/delete/", scenario_views.scenario_delete, name="scenario_delete"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("catalogue/products/<int:product_id>/", catalogue_views.product_detail, name="product"),
    path("catalogue/promotion-settings/", catalogue_views.promotion_settings, name="promotion_settings"),
    path("catalogue/channels/new/", catalogue_views.channel_new, name="channel_new"),
    path("catalogue/channels/<int:channel_id>/", catalogue_views.channel_detail, name="channel"),
]
