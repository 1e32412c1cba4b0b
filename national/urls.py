from django.urls import path

from national import views

app_name = "national"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("figures/", views.figures, name="figures"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/<int:pk>/pdf/", views.rollup_pdf, name="rollup-pdf"),
    path("rollup/<int:pk>/xlsx/", views.rollup_workbook, name="rollup-workbook"),
    path("reports/<int:pk>/", views.province_report, name="province-report"),
]
