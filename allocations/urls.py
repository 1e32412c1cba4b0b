from django.urls import path

from allocations import appeal_views, views

app_name = "allocations"

urlpatterns = [
    path("allocations/", views.batch_list_view, name="batch-list"),
    path("allocations/new/", views.allocation_new, name="allocation-new"),
    path("allocations/batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("allocations/batches/<int:pk>/reverse/", views.batch_reverse_view, name="batch-reverse"),
    path("allocations/matching/", views.matching_list, name="matching-list"),
    path("allocations/matching/<int:pk>/", views.matching_detail, name="matching-detail"),
    path("deliveries/", views.delivery_list_view, name="delivery-list"),
    path("deliveries/needs/<int:need_pk>/new/", views.delivery_new, name="delivery-new"),
    path("distributions/", views.distribution_index, name="distribution-list"),
    path("distributions/new/", views.distribution_create, name="distribution-create"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution-detail"),
    path("distributions/<int:pk>/print/", views.distribution_pdf, name="distribution-pdf"),
    path("distributions/<int:pk>/record/", views.distribution_record, name="distribution-record"),
    path("distributions/<int:pk>/scan/", views.distribution_scan, name="distribution-scan"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("pledges/<int:pk>/trace/", views.pledge_trace_view, name="pledge-trace"),
    path("transparency/", views.public_page, name="public"),
    path("transparency/ledger/", views.public_ledger, name="public-ledger"),
    path("transparency/campaigns/<int:pk>/", views.public_campaign, name="public-campaign"),
    path("transparency/appeals/<int:pk>/", appeal_views.public_appeal, name="public-appeal"),
    path(
        "transparency/appeals/<int:pk>/documents/<int:document_pk>/",
        appeal_views.public_appeal_document,
        name="public-appeal-document",
    ),
    path("appeals/", appeal_views.appeal_list, name="appeal-list"),
    path("appeals/new/", appeal_views.appeal_create, name="appeal-create"),
    path("appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/documents/new/", appeal_views.appeal_document_add, name="appeal-document-add"),
    path("appeals/<int:pk>/documents/<int:document_pk>/", appeal_views.appeal_document, name="appeal-document"),
    path("appeals/<int:pk>/release/", appeal_views.appeal_release, name="appeal-release"),
]
