"""REST API of the ledger: allocations, batches (accept lines / reverse), matching runs and deliveries —
all limited to the caller's scope through the same selectors and services as the pages."""

from functools import partial

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from allocations import selectors, services
from allocations.ledger import PER_PAGE as LEDGER_PER_PAGE
from allocations.ledger import LedgerPaginator, LedgerSearch, ledger_receipts, ledger_rows
from allocations.models import Allocation, AllocationBatch, Delivery, MatchingRun
from needs.models import Need
from portal.drf import ScopedModelSerializer, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from portal.models import AdministrativeUnit, UnitLevel
from portal.money_api import VndSerializerField
from portal.permissions import Perm
from portal.scoping import get_for_user


class AllocationSerializer(ScopedModelSerializer):
    commune = serializers.CharField(source="need.commune.code", read_only=True)
    category = serializers.CharField(source="need.category", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "batch", "receipt", "need", "commune", "category", "amount", "quantity", "active", "created_at"]


class LineSerializer(serializers.Serializer):
    receipt = serializers.IntegerField()
    need = serializers.IntegerField()
    amount = VndSerializerField(required=False, allow_null=True, min_value=1)
    quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class BatchSerializer(ScopedModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)
    lines = LineSerializer(many=True, write_only=True)
    province = ScopedSlugRelatedField(
        # Only the province in force: a merged-away one keeps its code in history (issue 7's bench hit a 500 here).
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True),
        perm=Perm.ALLOCATE,
    )

    class Meta:
        model = AllocationBatch
        fields = [
            "id", "province", "source", "status", "note", "created_at", "reversal_reason", "allocations", "lines"
        ]  # fmt: skip
        read_only_fields = ["source", "status", "created_at", "reversal_reason"]


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField()


def _lines(data) -> list[services.Line]:
    return [services.Line(line["receipt"], line["need"], line.get("amount"), line.get("quantity")) for line in data]


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AllocationSerializer
    filterset_fields = ["active", "need", "receipt", "batch"]

    def get_queryset(self):
        return selectors.allocation_list(user=self.request.user)


class BatchViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST {province, note, lines: [{receipt, need, amount | quantity}]} allocates all lines or none."""

    serializer_class = BatchSerializer
    write_perms = {"create": (Perm.ALLOCATE,), "reverse": (Perm.ALLOCATE,)}

    def get_queryset(self):
        return AllocationBatch.objects.visible_to(self.request.user).prefetch_related("allocations__need__commune")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        province = serializer.validated_data["province"]
        try:
            batch = services.batch_accept(
                user=request.user,
                province=province,
                lines=_lines(serializer.validated_data["lines"]),
                note=serializer.validated_data.get("note", ""),
            )
        except services.LedgerError as error:
            raise ValidationError({"detail": error.message}) from error
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], serializer_class=ReverseSerializer)
    def reverse(self, request, pk=None):
        batch = get_for_user(AllocationBatch.objects.all(), request.user, Perm.ALLOCATE, pk=pk)
        serializer = ReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            batch = services.batch_reverse(user=request.user, batch=batch, reason=serializer.validated_data["reason"])
        except services.LedgerError as error:
            raise ValidationError({"detail": error.message}) from error
        return Response(BatchSerializer(batch).data)


class MatchingRunSerializer(ScopedModelSerializer):
    class Meta:
        model = MatchingRun
        fields = ["id", "status", "progress", "result", "error", "batch", "created_at", "finished_at"]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    lines = LineSerializer(many=True, required=False)


class MatchingRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST (empty) starts a run for the caller's province; GET it to poll; POST …/accept/ with the (edited)
    lines, or without lines to accept the plan as proposed."""

    serializer_class = MatchingRunSerializer
    write_perms = {"create": (Perm.ALLOCATE,), "accept": (Perm.ALLOCATE,)}

    def get_queryset(self):
        return selectors.matching_run_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        from allocations.views import _province_for

        run = services.matching_run_start(user=request.user, province=_province_for(request.user))
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], serializer_class=AcceptSerializer)
    def accept(self, request, pk=None):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data.get("lines")
        if data is None:
            data = [
                {**line, "amount": None if line["quantity"] else line["amount"]} for line in run.result.get("lines", [])
            ]
        try:
            batch = services.matching_run_accept(user=request.user, run=run, lines=_lines(data))
        except services.LedgerError as error:
            raise ValidationError({"detail": error.message}) from error
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class DeliverySerializer(ScopedModelSerializer):
    # A need outside the caller's scope does not exist (404); one the caller may only read answers 403.
    need = ScopedPrimaryKeyRelatedField(queryset=Need.objects.all(), perm=Perm.RECORD_DELIVERIES)

    class Meta:
        model = Delivery
        fields = ["id", "need", "delivered_on", "quantity", "children_reached", "handed_over_by", "note", "recorded_at"]
        read_only_fields = ["recorded_at"]


class DeliveryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DeliverySerializer
    write_perms = {"create": (Perm.RECORD_DELIVERIES,)}
    filterset_fields = ["need", "delivered_on"]

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            delivery = services.delivery_record(
                user=request.user,
                need=data["need"],
                delivered_on=data["delivered_on"],
                quantity=data["quantity"],
                children_reached=data["children_reached"],
                handed_over_by=data["handed_over_by"],
                note=data.get("note", ""),
            )
        except services.LedgerError as error:
            raise ValidationError({"detail": error.message}) from error
        return Response(self.get_serializer(delivery).data, status=status.HTTP_201_CREATED)


class LedgerDestinationSerializer(serializers.Serializer):
    commune = serializers.CharField()
    category = serializers.CharField()
    allocated = serializers.IntegerField(help_text="đồng")
    delivered = serializers.IntegerField(help_text="đồng")
    children = serializers.SerializerMethodField(
        help_text=f"children reached; null when fewer than {selectors.SMALL_COUNT} (not shown, as on the public page)"
    )

    def get_children(self, entry) -> int | None:
        return entry["children"] if entry["children"] >= selectors.SMALL_COUNT else None


class LedgerEntrySerializer(serializers.Serializer):
    received_on = serializers.DateField()
    amount = serializers.IntegerField(help_text="đồng")
    donor = serializers.CharField(allow_null=True, help_text="null: the donor asked not to be named publicly")
    anonymous = serializers.SerializerMethodField()
    code = serializers.CharField(help_text="the transfer code")
    destinations = LedgerDestinationSerializer(many=True)
    unallocated = serializers.IntegerField(help_text="đồng not yet allocated")

    def get_anonymous(self, entry) -> bool:
        return entry["donor"] is None


class LedgerPagination(PageNumberPagination):
    page_size = LEDGER_PER_PAGE

    def paginate_queryset(self, queryset, request, view=None):
        unsearched = not LedgerSearch.parse(request.query_params.get("q", ""))
        self.django_paginator_class = partial(LedgerPaginator, unsearched=unsearched)
        return super().paginate_queryset(queryset, request, view)


@extend_schema(
    parameters=[OpenApiParameter("q", str, description="transfer code, amount (10.000.000), dd/mm/yyyy or donor name")]
)
class PublicLedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public ledger (/transparency/ledger/) for machines: money received, newest first, and where each sum
    went. Read-only, open to everyone without logging in; the same search and the same rows as the page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = LedgerEntrySerializer
    pagination_class = LedgerPagination
    filter_backends = []

    def get_queryset(self):
        return ledger_receipts(LedgerSearch.parse(self.request.query_params.get("q", "")))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(ledger_rows(page), many=True).data)
