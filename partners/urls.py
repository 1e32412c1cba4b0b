from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("support/new/", views.support_new, name="support-new"),
    path("support/<int:pk>/", views.support_detail, name="support-detail"),
    path("support/<int:pk>/evidence/", views.support_evidence, name="support-evidence"),
    path("lookup/", views.lookup, name="lookup"),
    path("overlaps/", views.overlap_list, name="overlap-list"),
]
