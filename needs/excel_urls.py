from django.urls import path

from needs import excel_views

urlpatterns = [
    path("import/", excel_views.import_upload, name="needs-import"),
    path("import/template.xlsx", excel_views.import_template, name="needs-import-template"),
    path("import/<uuid:token>/", excel_views.import_preview, name="needs-import-preview"),
    path("import/<uuid:token>/confirm/", excel_views.import_confirm, name="needs-import-confirm"),
    path("import/<uuid:token>/cancel/", excel_views.import_cancel, name="needs-import-cancel"),
    path("children.xlsx", excel_views.child_export, name="child-export"),
    path("needs.xlsx", excel_views.need_export, name="need-export"),
]
