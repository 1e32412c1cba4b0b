"""REST API for donors, campaigns, pledges and receipts; every list is the caller's scope.

A donor's people read only their own donor's records and may POST a pledge for their own donor, which waits
(pending) for staff to confirm it. Staff POST pledges and receipts for donors of their province.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from donors import appeals, selectors, services
from donors.models import Appeal, Campaign, Donor, Pledge, PledgeItem, PledgeKind, Receipt, ReceiptKind
from donors.rules import appeal_window_problems
from donors.transfer_codes import campaign_code
from needs.models import AgeBand, Category, Child
from portal.drf import ScopedModelSerializer, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from portal.models import AdministrativeUnit, UnitLevel
from portal.money_api import VndSerializerField
from portal.permissions import Perm
from portal.scoping import scope_for


class DonorSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True)

    class Meta:
        model = Donor
        fields = ["id", "province", "type", "name", "tax_code", "country", "anonymous_publicly"]


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "kind", "name", "start_date", "end_date", "description"]


class PledgeItemSerializer(serializers.ModelSerializer):
    unit_value = VndSerializerField(min_value=0)

    class Meta:
        model = PledgeItem
        fields = ["id", "category", "description", "clothing_size", "age_band", "quantity", "unit_value", "value"]
        read_only_fields = ["value"]


def _in_pledge_provinces(queryset, user):
    """Rows of the provinces of the donors the caller may pledge for, as on the pledge page: a donor's people name
    their province's campaign (Trung thu, Tết…) and communes, which the campaign list does not show them."""
    return queryset.filter(province__in=Donor.objects.visible_to(user).values("province"))


class PledgeCampaignField(ScopedPrimaryKeyRelatedField):
    def scoped(self, queryset, user):
        return _in_pledge_provinces(queryset, user)

    visible = scoped


class PledgeCommuneField(ScopedSlugRelatedField):
    def scoped(self, queryset, user):
        return _in_pledge_provinces(queryset, user)

    visible = scoped


class PledgeSerializer(ScopedModelSerializer):
    # Staff pledge for donors they manage, a donor's people for their own donor (checked on create, 403).
    donor = ScopedPrimaryKeyRelatedField(queryset=Donor.objects.all())
    campaign = PledgeCampaignField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    items = PledgeItemSerializer(many=True, required=False)
    earmark_categories = serializers.ListField(child=serializers.ChoiceField(Category.choices), required=False)
    earmark_age_bands = serializers.ListField(child=serializers.ChoiceField(AgeBand.choices), required=False)
    earmark_communes = PledgeCommuneField(
        slug_field="code",
        many=True,
        required=False,
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True),
    )
    amount = VndSerializerField(min_value=1, required=False)
    received_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "donor",
            "campaign",
            "kind",
            "amount",
            "received_total",
            "status",
            "pledged_on",
            "receive_by",
            "earmark_categories",
            "earmark_communes",
            "earmark_age_bands",
            "spend_by",
            "note",
            "items",
        ]
        read_only_fields = ["status"]

    def validate(self, attrs):
        if attrs.get("kind") == PledgeKind.CASH and not attrs.get("amount"):
            raise APIValidationError({"amount": "required for a cash pledge"})
        if attrs.get("kind") == PledgeKind.IN_KIND and not attrs.get("items"):
            raise APIValidationError({"items": "an in-kind pledge needs at least one item"})
        return attrs


class ReceiptSerializer(ScopedModelSerializer):
    confirm_beyond_pledge = serializers.BooleanField(write_only=True, required=False, default=False)
    confirm_small_amount = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Needed for money under 1 % of the pledge."
    )
    amount = VndSerializerField(min_value=1, required=False)

    class Meta:
        model = Receipt
        fields = [
            "id",
            "pledge",
            "kind",
            "received_on",
            "amount",
            "method",
            "bank_reference",
            "item",
            "quantity",
            "unit_value",
            "beyond_pledge_confirmed",
            "confirm_beyond_pledge",
            "confirm_small_amount",
        ]
        read_only_fields = ["beyond_pledge_confirmed"]
        # Receipts are recorded by staff for pledges they manage: another pledge answers 404, or 403 to readers.
        extra_kwargs = {"pledge": {"perm": Perm.MANAGE_DONORS}, "item": {"perm": Perm.MANAGE_DONORS}}


class ReceiptCorrectionSerializer(serializers.Serializer):
    amount = VndSerializerField(min_value=1, required=False)
    quantity = serializers.IntegerField(min_value=1, required=False)
    reason = serializers.CharField(max_length=250)
    confirm_beyond_pledge = serializers.BooleanField(required=False, default=False)
    confirm_small_amount = serializers.BooleanField(required=False, default=False)


class ReceiptCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=250)


class AppealSerializer(ScopedModelSerializer):
    """An appeal (Decree 93/2021/NĐ-CP) with its campaign's name and receiving window; documents are uploaded on
    the appeal's page."""

    province = ScopedSlugRelatedField(
        source="campaign.province",
        slug_field="code",
        perm=Perm.MANAGE_DONORS,
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True),
    )
    name = serializers.CharField(source="campaign.name", max_length=200)
    start_date = serializers.DateField(source="campaign.start_date")
    end_date = serializers.DateField(source="campaign.end_date")
    description = serializers.CharField(source="campaign.description", required=False, allow_blank=True)
    communes = ScopedSlugRelatedField(
        slug_field="code",
        many=True,
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True),
    )
    child = ScopedSlugRelatedField(
        slug_field="code", perm=Perm.VIEW_PERSONAL_DATA, queryset=Child.objects.all(), required=False, allow_null=True
    )
    distribute_by = serializers.DateField(read_only=True)
    transfer_code = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "province",
            "kind",
            "name",
            "start_date",
            "end_date",
            "distribute_by",
            "description",
            "decision_reference",
            "communes",
            "child",
            "bank_bin",
            "bank_account_number",
            "bank_account_name",
            "transfer_code",
            "beneficiary_criteria",
            "support_levels",
        ]

    def to_representation(self, appeal):
        data = super().to_representation(appeal)
        request = self.context.get("request")
        child = appeal.child
        if child is not None and not scope_for(request.user).allows(Perm.VIEW_PERSONAL_DATA, child.commune_id):
            data["child"] = None  # leadership reads the appeal, not which child it is for
        return data

    def get_transfer_code(self, appeal) -> str:
        return str(campaign_code(appeal.campaign))

    def validate(self, attrs):
        campaign = attrs.get("campaign", {})
        problems = appeal_window_problems(campaign.get("start_date"), campaign.get("end_date"))
        if problems:
            raise APIValidationError({field: [message] for field, message in problems.items()})
        return attrs


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AppealSerializer
    write_perms = {"create": (Perm.MANAGE_DONORS,)}
    filterset_fields = ["kind"]

    def get_queryset(self):
        queryset = Appeal.objects.visible_to(self.request.user).select_related("campaign__province", "child")
        return queryset.prefetch_related("communes")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = Campaign(**data.pop("campaign"))
        communes = data.pop("communes")
        try:
            appeal = appeals.appeal_open(
                user=self.request.user, campaign=campaign, appeal=Appeal(**data), communes=communes
            )
        except DjangoValidationError as error:
            raise APIValidationError(error.message_dict) from error
        serializer.instance = self.get_queryset().get(pk=appeal.pk)


class DonorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DonorSerializer
    filterset_fields = ["type"]

    def get_queryset(self):
        return selectors.donor_list(user=self.request.user, search=self.request.query_params.get("q", ""))


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user)


class PledgeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PledgeSerializer
    write_perms = {"create": (Perm.MANAGE_DONORS, Perm.VIEW_OWN_DONATIONS)}
    filterset_fields = ["status", "donor", "kind"]

    def get_queryset(self):
        return selectors.pledge_list(user=self.request.user).prefetch_related("items", "earmark_communes")

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        donor = data["donor"]
        user = self.request.user
        staff = scope_for(user).allows(Perm.MANAGE_DONORS, donor.province_id)
        if not staff and not donor.members.filter(pk=user.pk).exists():
            raise PermissionDenied
        items = [PledgeItem(**item) for item in data.pop("items", [])]
        communes = data.pop("earmark_communes", [])
        if data.get("kind") == PledgeKind.CASH:
            items = []
        try:
            pledge = services.pledge_create(
                pledge=Pledge(**data), actor=user, items=items, earmark_communes=communes, online=not staff
            )
        except services.PledgeError as error:
            raise APIValidationError({"detail": error.message, "code": error.code}) from error
        except DjangoValidationError as error:  # a field that breaks a rule (donors.rules), on that field
            raise APIValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
        serializer.instance = selectors.pledge_detail_queryset(user=user).get(pk=pledge.pk)


class ReceiptViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReceiptSerializer
    # "correct" and "cancel": a receipt typed wrong, put right by staff (issue 14, item 2's actions).
    write_perms = dict.fromkeys(("create", "correct", "cancel"), (Perm.MANAGE_DONORS,))
    filterset_fields = ["pledge", "kind"]

    def get_queryset(self):
        return selectors.receipt_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        pledge = data["pledge"]  # one the caller manages: the field answers 404 or 403 for any other
        goods = data["kind"] == ReceiptKind.GOODS
        try:
            serializer.instance = services.receipt_record(
                pledge_id=pledge.pk,
                actor=self.request.user,
                kind=data["kind"],
                received_on=data["received_on"],
                amount=None if goods else data.get("amount"),
                method=data.get("method", ""),
                bank_reference=data.get("bank_reference", ""),
                item_id=data["item"].pk if data.get("item") else None,
                quantity=data.get("quantity"),
                unit_value=data.get("unit_value"),
                confirm_beyond_pledge=data.get("confirm_beyond_pledge", False),
                confirm_small_amount=data.get("confirm_small_amount", False),
            )
        except services.PledgeError as error:
            raise APIValidationError({"detail": error.message, "code": error.code}) from error

    @extend_schema(request=ReceiptCorrectionSerializer, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a receipt typed wrong: `amount` (money) or `quantity` (goods) and a `reason`. Refused below
        what is already allocated from it."""
        receipt = self.get_object()  # WritePermission: staff of its province only
        serializer = ReceiptCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            receipt = services.receipt_correct(receipt_id=receipt.pk, actor=request.user, **serializer.validated_data)
        except services.PledgeError as error:
            raise APIValidationError({"detail": error.message, "code": error.code}) from error
        return Response(ReceiptSerializer(receipt, context={"request": request}).data)

    @extend_schema(request=ReceiptCancelSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a receipt recorded by mistake, with a `reason`; refused while any of it is allocated."""
        receipt = self.get_object()  # WritePermission: staff of its province only
        serializer = ReceiptCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.receipt_cancel(receipt_id=receipt.pk, actor=request.user, **serializer.validated_data)
        except services.PledgeError as error:
            raise APIValidationError({"detail": error.message, "code": error.code}) from error
        return Response(status=204)
