"""REST API of the ledger: allocations, batches (accept lines / reverse), matching runs and deliveries —
all limited to the caller's scope through the same selectors and services as the pages."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.response import Response

from allocations import selectors, services
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
