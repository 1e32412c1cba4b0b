from django.urls import path

from donors import excel_views

urlpatterns = []
for what in excel_views.IMPORTS:
    urlpatterns += [
        path(f"{what}/import/", excel_views.import_upload, {"what": what}, name=f"{what}-import"),
        path(
            f"{what}/import/template.xlsx", excel_views.import_template, {"what": what}, name=f"{what}-import-template"
        ),
        path(f"{what}/import/<uuid:token>/", excel_views.import_preview, {"what": what}, name=f"{what}-import-preview"),
        path(
            f"{what}/import/<uuid:token>/confirm/",
            excel_views.import_confirm,
            {"what": what},
            name=f"{what}-import-confirm",
        ),
        path(
            f"{what}/import/<uuid:token>/cancel/",
            excel_views.import_cancel,
            {"what": what},
            name=f"{what}-import-cancel",
        ),
    ]
