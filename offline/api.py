"""The offline app's REST API (docs/offline.md): snapshot, sync, evidence uploads and conflicts.

Only roles that register needs or record deliveries use it; everything else about scope is decided per record by
the services, exactly as for the rest of the API.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from offline import selectors, services
from offline.apps import SYNC_PERMS, may_sync
from offline.models import ConflictKind, EvidenceUpload, SyncConflict
from portal.drf import WritePermission
from portal.scoping import get_for_user, scope_for


class SyncRole(permissions.BasePermission):
    """Register needs or record deliveries somewhere: the others (donor, leader, staff, auditor) get 403."""

    def has_permission(self, request, view):
        return may_sync(scope_for(request.user))


OFFLINE_PERMISSIONS = [permissions.IsAuthenticated, SyncRole]


class SnapshotView(APIView):
    permission_classes = OFFLINE_PERMISSIONS

    @extend_schema(
        summary="The data of the officer's communes for offline use (docs/offline.md)",
        parameters=[OpenApiParameter("commune", str, description="Only this commune (its code)")],
        responses={200: dict},
    )
    def get(self, request):
        commune = None
        if code := request.query_params.get("commune"):
            commune = get_object_or_404(selectors.sync_communes(user=request.user), code=code)
        return Response(selectors.offline_snapshot(user=request.user, commune=commune))


class ChangeSerializer(serializers.Serializer):
    key = serializers.UUIDField()
    type = serializers.ChoiceField(choices=sorted(services.HANDLERS))
    client_id = serializers.UUIDField(required=False, allow_null=True)
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    base_version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SyncSerializer(serializers.Serializer):
    changes = serializers.ListField(child=serializers.DictField(), max_length=services.MAX_CHANGES)

    def validate_changes(self, changes):
        errors = {}
        for index, change in enumerate(changes):
            envelope = ChangeSerializer(data=change)
            if not envelope.is_valid():
                errors[index] = envelope.errors
        if errors:
            raise serializers.ValidationError(errors)
        return changes


class SyncView(APIView):
    permission_classes = OFFLINE_PERMISSIONS

    @extend_schema(
        summary="Apply a batch of changes made offline, each once per key (docs/offline.md)",
        request=SyncSerializer,
        responses={200: dict},
    )
    def post(self, request):
        serializer = SyncSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = [
            services.sync_apply(user=request.user, change=change) for change in serializer.validated_data["changes"]
        ]
        return Response({"results": results, "server_time": timezone.localtime().isoformat(timespec="seconds")})


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="upload_id")

    class Meta:
        model = EvidenceUpload
        fields = ["id", "sha256", "size", "content_type"]


class EvidenceUploadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    sha256 = serializers.CharField(max_length=64)
    file = serializers.FileField()


class EvidenceView(APIView):
    permission_classes = OFFLINE_PERMISSIONS

    @extend_schema(
        summary="Upload a photo or scan with its SHA-256, before the change that names it",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, 200: EvidenceSerializer},
    )
    def post(self, request):
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            upload, created = services.evidence_receive(
                user=request.user, upload_id=data["id"], sha256=data["sha256"], file=data["file"]
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        except services.EvidenceClash:
            return Response({"detail": _("Mã tệp này đã dùng cho một tệp khác.")}, status=status.HTTP_409_CONFLICT)
        return Response(
            EvidenceSerializer(upload).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class EvidenceDetailView(APIView):
    permission_classes = OFFLINE_PERMISSIONS

    @extend_schema(summary="Whether this upload arrived whole (200) or not (404)", responses={200: EvidenceSerializer})
    def get(self, request, upload_id):
        upload = get_object_or_404(EvidenceUpload, user=request.user, upload_id=upload_id)
        return Response(EvidenceSerializer(upload).data)


class ConflictSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code")
    candidates = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = SyncConflict
        fields = [
            "id", "kind", "status", "record_type", "record_id", "record_code", "commune", "change_key", "change_type",
            "base_version", "server_version", "fields", "candidates", "resolution", "result", "created_at",
            "resolved_at", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, conflict) -> str:
        return services.conflict_url(conflict)

    def get_candidates(self, conflict) -> list:
        if conflict.kind != ConflictKind.DUPLICATE:
            return []
        return services.candidate_rows(conflict, user=self.context["request"].user)


class ResolveSerializer(serializers.Serializer):
    fields = serializers.DictField(child=serializers.ChoiceField(choices=services.CHOICES), required=False)
    keep = serializers.ChoiceField(choices=services.CHOICES, required=False)
    decision = serializers.ChoiceField(choices=["create", "existing", "discard"], required=False)
    child = serializers.IntegerField(required=False)


class ConflictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The officer's conflicts and decisions; POST …/resolve/ to decide (docs/offline.md, "Conflicts")."""

    serializer_class = ConflictSerializer
    permission_classes = [*OFFLINE_PERMISSIONS, WritePermission]
    write_perms = {"resolve": SYNC_PERMS}
    filterset_fields = ["status", "kind"]
    queryset = SyncConflict.objects.none()  # for the schema; requests get the user's own below

    def get_queryset(self):
        return selectors.conflict_list(user=self.request.user)

    @extend_schema(request=ResolveSerializer, responses={200: ConflictSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        conflict = get_for_user(self.get_queryset(), request.user, pk=pk)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        choices = dict.fromkeys(conflict.fields, data["keep"]) if "keep" in data else data.get("fields")
        try:
            conflict = services.conflict_resolve(
                conflict=conflict,
                user=request.user,
                choices=choices,
                decision=data.get("decision", ""),
                child_id=data.get("child"),
            )
        except services.ResolveError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(conflict).data)
