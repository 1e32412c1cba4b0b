from django.urls import path

from partners import excel_views

urlpatterns = [
    path("import/", excel_views.import_upload, name="partners-import"),
    path("import/template.xlsx", excel_views.import_template, name="partners-import-template"),
    path("import/<uuid:token>/", excel_views.import_preview, name="partners-import-preview"),
    path("import/<uuid:token>/confirm/", excel_views.import_confirm, name="partners-import-confirm"),
    path("import/<uuid:token>/cancel/", excel_views.import_cancel, name="partners-import-cancel"),
]
