from django.urls import path

from offline import views

app_name = "offline"

urlpatterns = [
    path("conflicts/", views.conflict_list_view, name="conflict-list"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict-detail"),
]
