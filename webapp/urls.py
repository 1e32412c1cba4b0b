from django.urls import path

from webapp import views

app_name = "webapp"

urlpatterns = [
    path("offline/", views.shell, name="shell"),
    # At the root: a service worker controls only the pages under its own path.
    path("sw.js", views.service_worker, name="worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
