from django.urls import path

from jaring.merl import views

app_name = "merl"

urlpatterns = [
    path("", views.framework, name="framework"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("entry/", views.entry_choose, name="entry_choose"),
    path("entry/<str:country>/<str:period>/", views.entry, name="entry"),
    path("entry/<str:country>/<str:period>/template.xlsx", views.template_download,
         name="template"),
    path("upload", views.upload, name="upload"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<str:country>/<str:period>/<str:action>", views.period_action,
         name="period_action"),
    path("validation/", views.validation, name="validation"),
    path("validation/run", views.validation_run, name="validation_run"),
    path("violations/<int:pk>/explain", views.violation_explain, name="explain"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("charts/<str:name>.json", views.chart, name="chart"),
    path("learning/", views.learning, name="learning"),
    path("learning/<int:pk>/", views.learning_update, name="learning_update"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:fmt>", views.open_data_download, name="download"),
]
