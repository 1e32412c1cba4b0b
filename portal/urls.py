from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from allocations import api as allocations_api
from donors import api as donors_api
from needs import api as needs_api
from offline import api as offline_api
from partners import api as partners_api
from portal import api, audit_views, two_factor, views
from portal.forms import QueuedPasswordResetForm
from reports import api as reports_api
from webapp.views import LogoutView

handler500 = views.server_error

router = DefaultRouter()
router.register("communes", api.CommuneViewSet, basename="api-commune")
router.register("villages", api.VillageViewSet, basename="api-village")
router.register("children", needs_api.ChildViewSet, basename="api-child")
router.register("needs", needs_api.NeedViewSet, basename="api-need")
router.register("reports", reports_api.ReportViewSet, basename="api-report")
router.register("figures", reports_api.FiguresViewSet, basename="api-figures")
router.register("allocations", allocations_api.AllocationViewSet, basename="api-allocation")
router.register("batches", allocations_api.BatchViewSet, basename="api-batch")
router.register("matching", allocations_api.MatchingRunViewSet, basename="api-matching")
router.register("deliveries", allocations_api.DeliveryViewSet, basename="api-delivery")
router.register("donors", donors_api.DonorViewSet, basename="api-donor")
router.register("campaigns", donors_api.CampaignViewSet, basename="api-campaign")
router.register("appeals", donors_api.AppealViewSet, basename="api-appeal")
router.register("pledges", donors_api.PledgeViewSet, basename="api-pledge")
router.register("receipts", donors_api.ReceiptViewSet, basename="api-receipt")
router.register("ledger", allocations_api.PublicLedgerViewSet, basename="api-ledger")
router.register("offline/conflicts", offline_api.ConflictViewSet, basename="api-offline-conflict")
router.register("partner-support", partners_api.PartnerSupportViewSet, basename="api-partner-support")

api_patterns = [
    path("auth/token/", api.TokenLogin.as_view(), name="api-token"),
    path("me/", api.me, name="api-me"),
    path("offline/snapshot/", offline_api.SnapshotView.as_view(), name="api-offline-snapshot"),
    path("offline/sync/", offline_api.SyncView.as_view(), name="api-offline-sync"),
    path("offline/evidence/", offline_api.EvidenceView.as_view(), name="api-offline-evidence"),
    path(
        "offline/evidence/<uuid:upload_id>/",
        offline_api.EvidenceDetailView.as_view(),
        name="api-offline-evidence-detail",
    ),
    *router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("communes/", views.commune_list_view, name="commune-list"),
    path("communes/<str:code>/", views.commune_detail, name="commune-detail"),
    path("audit/", audit_views.audit_log_view, name="audit-log"),
    path("audit/export/", audit_views.audit_log_export, name="audit-export"),
    path("", include("donors.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("needs.urls")),
    path("reports/", include("reports.urls")),
    path("transparency/disclosures/", include("reports.public_urls")),
    path("national/", include("national.urls")),
    path("", include("allocations.urls")),
    path("needs/excel/", include("needs.excel_urls")),
    path("offline/", include("offline.urls")),
    path("", include("webapp.urls")),
    path("partners/", include("partners.urls")),
    path("partners/excel/", include("partners.excel_urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/two-factor/", two_factor.otp_setup, name="otp-setup"),
    path("accounts/two-factor/verify/", two_factor.otp_verify, name="otp-verify"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
