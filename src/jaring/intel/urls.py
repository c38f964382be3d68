from django.urls import path

from jaring.intel import views

app_name = "intel"

urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports/new", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("sightings/<int:pk>/unlink", views.unlink, name="unlink"),
    path("search", views.search, name="search"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<str:code>/", views.campaign_detail, name="campaign"),
    path("campaigns/<str:code>/charts/<str:name>.json", views.campaign_chart, name="chart"),
    path("campaigns/<str:code>/export.<str:fmt>.json", views.campaign_export, name="export"),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:pk>/state", views.alert_state, name="alert_state"),
    path("flagged/", views.flagged, name="flagged"),
    path("warninglist/", views.warninglist, name="warninglist"),
]
