from django.urls import path

from jaring.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.index, name="index"),
    path("countries/<str:code>/", views.country, name="country"),
    path("charts/<str:name>.json", views.chart, name="chart"),
    path("report.pdf", views.report_pdf, name="report"),
    path("open-data/", views.open_data, name="open_data"),
]
