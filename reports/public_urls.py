from django.urls import path

from reports import views

urlpatterns = [
    path("<int:pk>/<str:fmt>/", views.disclosure_public, name="disclosure-public"),
]
