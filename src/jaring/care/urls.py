from django.urls import path

from jaring.care import views

app_name = "care"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new", views.case_new, name="case_new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/act", views.case_act, name="act"),
    path("<int:pk>/access-request.<str:fmt>", views.access_request, name="access_request"),
    path("tasks/", views.overdue, name="overdue"),
    path("inbox/", views.inbox, name="inbox"),
    path("referrals/<int:pk>/state", views.referral_state, name="referral_state"),
    path("transfers/<int:pk>/answer", views.transfer_answer, name="transfer_answer"),
    path("providers/", views.providers, name="providers"),
    path("reports/", views.report, name="report"),
    path("reports/kpis.csv", views.report_csv, name="report_csv"),
    path("reports/charts/<str:name>.json", views.report_chart, name="chart"),
    path("reports/htcds.csv", views.htcds, name="htcds"),
]
