"""REST API of partner organisations' support: a partner lists and records its own; the department, leadership,
auditors and commune officers read those of their communes. A child is named by record code, never by name."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from allocations.services import OverlapFound, partner_support_build, partner_support_record
from needs.models import Category
from partners import selectors
from portal.drf import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from portal.models import AdministrativeUnit, PartnerOrganisation, Village
from portal.money_api import VndSerializerField
from portal.permissions import Perm
from portal.uploads import check_upload


class PartnerSupportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    partner = ScopedPrimaryKeyRelatedField(
        queryset=PartnerOrganisation.objects.all(),
        perm=Perm.RECORD_PARTNER_SUPPORT,
        required=False,
        help_text="The organisation; may be left out by an account of only one.",
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    child_code = serializers.CharField(
        source="child.code", required=False, allow_blank=True, help_text="A child's record code; blank for a group."
    )
    commune = ScopedSlugRelatedField(
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True),
        perm=Perm.RECORD_PARTNER_SUPPORT,
        required=False,
        allow_null=True,
    )
    village = ScopedPrimaryKeyRelatedField(
        queryset=Village.objects.all(), perm=Perm.RECORD_PARTNER_SUPPORT, required=False, allow_null=True
    )
    category = serializers.ChoiceField(choices=Category.choices)
    season = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(max_length=250)
    value = VndSerializerField(min_value=0)
    quantity = serializers.IntegerField(min_value=1)
    children_count = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    given_on = serializers.DateField()
    overlap_reason = serializers.CharField(max_length=250, required=False, allow_blank=True)
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True)
    recorded_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["commune"] = instance.commune.code
        data["child_code"] = instance.child.code if instance.child_id else ""
        return data


class PartnerSupportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST records a partner's support (multipart for the evidence file). A child already supported in the
    category and season is refused with 400 and the support it already has, until `overlap_reason` says why."""

    serializer_class = PartnerSupportSerializer
    write_perms = {"create": (Perm.RECORD_PARTNER_SUPPORT,)}

    def get_queryset(self):
        return selectors.support_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partners = list(selectors.partners_of(request.user))
        partner = data.get("partner") or (partners[0] if len(partners) == 1 else None)
        if partner is None:
            raise serializers.ValidationError({"partner": ["Name the organisation."]})
        if partner not in partners:
            raise PermissionDenied
        child = None
        code = (data.get("child") or {}).get("code", "").strip()
        if code:
            child = selectors.children_by_codes(user=request.user, codes=[code]).get(code)
            if child is None:
                raise serializers.ValidationError({"child_code": [f"No child with record code {code} here."]})
        evidence = None
        if data.get("evidence"):
            try:
                evidence = check_upload(data["evidence"])
            except DjangoValidationError as error:
                raise serializers.ValidationError({"evidence": error.messages}) from error
        try:
            support = partner_support_build(
                partner=partner,
                child=child,
                commune=data.get("commune"),
                village=data.get("village"),
                category=data["category"],
                season=data.get("season", ""),
                description=data["description"],
                value=data["value"],
                quantity=data["quantity"],
                children_count=data.get("children_count"),
                given_on=data["given_on"],
                overlap_reason=data.get("overlap_reason", ""),
            )
            partner_support_record(user=request.user, support=support, evidence=evidence)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        except OverlapFound as found:
            overlaps = [{"by": o.by, "on": o.on.isoformat(), "value": o.value} for o in found.overlaps]
            raise serializers.ValidationError({"overlap_reason": [found.message], "overlaps": overlaps}) from found
        except DjangoPermissionDenied as error:
            raise PermissionDenied from error
        return Response(self.get_serializer(support).data, status=status.HTTP_201_CREATED)
