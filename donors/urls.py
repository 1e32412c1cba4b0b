from django.urls import include, path

from donors import views
from donors.statements import views as statements

urlpatterns = [
    path("donors/", views.donor_list, name="donor-list"),
    path("", include("donors.excel_urls")),
    path("donors/new/", views.donor_create, name="donor-create"),
    path("donors/<int:pk>/", views.donor_detail, name="donor-detail"),
    path("donors/<int:pk>/edit/", views.donor_edit, name="donor-edit"),
    path("donors/<int:pk>/accounts/new/", views.donor_account_create, name="donor-account-create"),
    path("pledges/", views.pledge_list, name="pledge-list"),
    path("pledges/new/", views.pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge-detail"),
    path("pledges/<int:pk>/status/<str:action>/", views.pledge_transition, name="pledge-transition"),
    path("pledges/<int:pk>/receipts/new/", views.receipt_create, name="receipt-create"),
    path("receipts/<int:pk>/correct/", views.receipt_correct, name="receipt-correct"),
    path("receipts/<int:pk>/letter.pdf", views.receipt_letter, name="receipt-letter"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("plans/", views.plan_detail, name="plan-current"),
    path("plans/<int:year>/", views.plan_detail, name="plan-detail"),
    path("sponsorships/", views.sponsorship_list, name="sponsorship-list"),
    path("commendation/", views.commendation, name="commendation"),
    path("statements/", statements.statement_list, name="statement-list"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement-detail"),
    path("statements/queue/", statements.statement_queue, name="statement-queue"),
    path("statements/lines/<int:pk>/", statements.statement_line, name="statement-line"),
]
