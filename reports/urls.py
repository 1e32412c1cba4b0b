from django.urls import path

from reports import views

urlpatterns = [
    path("", views.dashboard, name="report-dashboard"),
    path("archive/", views.archive, name="report-archive"),
    path("archive/request/", views.report_request_view, name="report-request"),
    path("archive/<int:pk>/", views.report_detail, name="report-detail"),
    path("archive/<int:pk>/download/", views.report_download, name="report-download"),
    path("archive/<int:pk>/approve/", views.report_approve_view, name="report-approve"),
    path("excel/", views.excel_download, name="report-excel"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("3w/", views.support_map, name="support-map"),
    path("cycles/", views.cycle_list_view, name="cycle-list"),
    path("cycles/new/", views.cycle_create_view, name="cycle-create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/texts/", views.cycle_texts, name="cycle-texts"),
    path("confirm/", views.confirmation, name="report-confirmation"),
    path("confirm/<int:pk>/reopen/", views.confirmation_reopen_view, name="confirmation-reopen"),
]
