"""REST API for children and needs, scoped exactly like the pages: the same selectors, filters and services.

Children's records need Perm.VIEW_PERSONAL_DATA in their commune; donors' scope has no communes, so they get
empty lists and 404s. Needs carry the child's id only, never a name.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from needs import selectors, services
from needs.filters import ChildFilter, NeedFilter
from needs.models import Child, Need, NeedEvent, SpecialCircumstance
from needs.rules import village_problem
from needs.workflow import GUARDS, TransitionError, need_transition
from portal import audit
from portal.drf import ScopedModelSerializer, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField, WritePermission
from portal.models import AccessView, AdministrativeUnit, EthnicGroup, Village
from portal.money_api import VndSerializerField
from portal.permissions import Perm
from portal.scoping import get_for_user


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class ChildSerializer(ScopedModelSerializer):
    # Outside the caller's scope a commune does not exist (404); inside but without the right to register, 403.
    commune = ScopedSlugRelatedField(
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True),
        perm=Perm.REGISTER_NEEDS,
    )
    ethnic_group = serializers.SlugRelatedField(slug_field="code", queryset=EthnicGroup.objects.all())
    village = ScopedPrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    special_circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialCircumstance.choices), required=False
    )
    merged_into = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Child
        fields = [
            "id",
            "code",
            "full_name",
            "sex",
            "birth_date",
            "ethnic_group",
            "commune",
            "village",
            "school_name",
            "school_level",
            "special_circumstances",
            "guardian_name",
            "guardian_phone",
            "notes",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["code", "merged_into", "version", "created_at", "updated_at"]

    def validate_commune(self, commune):
        if self.instance is not None and commune.pk != self.instance.commune_id:
            raise serializers.ValidationError("A child's record stays in the commune that registered it.")
        return commune

    def validate(self, data):
        commune = data.get("commune") or getattr(self.instance, "commune", None)
        if problem := village_problem(data.get("village"), commune.pk if commune else None):
            raise serializers.ValidationError({"village": [problem]})
        return data


class NeedEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", default="", read_only=True)

    class Meta:
        model = NeedEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "reason"]


class NeedSerializer(ScopedModelSerializer):
    commune = ScopedSlugRelatedField(
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True),
        required=False,
        help_text="For a group/facility need; a child's need takes the child's commune.",
    )
    # Only children the caller may see exist; the write permission is checked by the service (403).
    child = ScopedPrimaryKeyRelatedField(
        queryset=Child.objects.all(), required=False, allow_null=True, perm=Perm.VIEW_PERSONAL_DATA
    )
    village = ScopedPrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    season = serializers.CharField(required=False, allow_blank=True, max_length=8)
    quantity = serializers.IntegerField(required=False, min_value=1)
    estimated_cost = serializers.IntegerField(read_only=True)
    unit_cost = VndSerializerField(min_value=0)
    confirm_low_unit_cost = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="A unit cost under 1.000 đ is refused unless this is true (a typing slip is more likely).",
    )

    class Meta:
        model = Need
        fields = [
            "id",
            "child",
            "commune",
            "village",
            "facility_name",
            "beneficiary_count",
            "age_band",
            "category",
            "description",
            "clothing_size",
            "care_type",
            "meals_per_day",
            "days",
            "quantity",
            "unit_cost",
            "confirm_low_unit_cost",
            "estimated_cost",
            "season",
            "needed_by",
            "priority",
            "justification",
            "status",
            "duplicate_override_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "estimated_cost", "version", "created_at", "updated_at"]
        # DRF would turn the partial no-duplicate constraint into "child, category, season required";
        # the service checks it instead and answers with a link to the existing need.
        validators = []

    def validate(self, data):
        if self.instance is None and not data.get("child") and not data.get("commune"):
            raise serializers.ValidationError({"commune": "A group/facility need names its commune."})
        return data


class NeedDetailSerializer(NeedSerializer):
    events = NeedEventSerializer(many=True, read_only=True)

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "events"]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(name, str(guard.label)) for name, guard in GUARDS.items()])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    existing = serializers.URLField(required=False)


class _ScopedWriteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    pass


@extend_schema_view(
    list=extend_schema(summary="Children in the caller's scope (records merged away are left out)"),
    create=extend_schema(summary="Register a child"),
)
class ChildViewSet(_ScopedWriteViewSet):
    serializer_class = ChildSerializer
    filterset_class = ChildFilter
    write_perms = {"create": (Perm.REGISTER_NEEDS,), "update": (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS)}

    def get_queryset(self):
        if self.action == "list":
            return selectors.child_list(user=self.request.user)
        return Child.objects.select_related("commune", "ethnic_group", "merged_into")

    def get_object(self):
        # Like the pages: outside the scope 404; an insider without access to personal data (a leader) 403.
        child = get_for_user(self.get_queryset(), self.request.user, Perm.VIEW_PERSONAL_DATA, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, child)
        return child

    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        # Reading a child's personal data is logged, like opening the record's page (one INSERT).
        audit.access_record(
            user=request.user,
            view=AccessView.API,
            commune_id=child.commune_id,
            record_id=child.pk,
            record_code=child.code,
        )
        return Response(self.get_serializer(child).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        commune = data.pop("commune")
        try:
            serializer.instance = services.child_create(user=self.request.user, commune=commune, data=data)
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("commune", None)
        try:
            serializer.instance = services.child_update(child=serializer.instance, user=self.request.user, data=data)
        except DjangoValidationError as error:
            raise _drf_error(error) from error


@extend_schema_view(
    list=extend_schema(summary="Needs in the caller's scope"),
    create=extend_schema(
        summary="Register a need (draft) for a child or a group/facility",
        responses={201: NeedSerializer, 400: OpenApiResponse(ErrorSerializer, description="Refused, e.g. duplicate")},
    ),
)
class NeedViewSet(_ScopedWriteViewSet):
    filterset_class = NeedFilter
    write_perms = {
        "create": (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS),
        "update": (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS),
        # Which step the body asks for is known only after reading it: then its own permissions (below).
        "transition": tuple({perm: None for guard in GUARDS.values() for perm in guard.perms}),
    }

    def get_serializer_class(self):
        return NeedDetailSerializer if self.action == "retrieve" else NeedSerializer

    def get_queryset(self):
        queryset = selectors.need_list(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor")
        return queryset

    def _refused(self, error):
        if isinstance(error, services.DuplicateNeedError):
            url = self.request.build_absolute_uri(reverse("api-need-detail", args=[error.existing.pk]))
            return Response({"detail": error.message, "existing": url}, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(error, TransitionError):
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        raise _drf_error(error)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child, commune = data.pop("child", None), data.pop("commune", None)
        override = data.pop("duplicate_override_reason", "")
        try:
            need = services.need_create(
                user=request.user, commune=commune, child=child, data=data, duplicate_override_reason=override
            )
        except (services.DuplicateNeedError, DjangoValidationError) as error:
            return self._refused(error)
        return Response(NeedSerializer(need, context={"request": request}).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        need = self.get_object()
        serializer = self.get_serializer(need, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for fixed in ("child", "commune", "duplicate_override_reason"):
            data.pop(fixed, None)
        try:
            need = services.need_update(need=need, user=request.user, data=data)
        except (services.DuplicateNeedError, TransitionError, DjangoValidationError) as error:
            return self._refused(error)
        return Response(NeedSerializer(need, context={"request": request}).data)

    @extend_schema(
        summary="Move a need through the workflow",
        description="Actions: " + ", ".join(GUARDS) + ". `return`, `withdraw` and `cancel` need a reason.",
        request=TransitionSerializer,
        responses={
            200: NeedDetailSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not allowed from the need's status, or no reason"),
            403: OpenApiResponse(description="The caller may see the need but not take this action"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        need = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["action"]
        if not WritePermission.may_write(request.user, GUARDS[name].perms, need.commune_id):
            raise PermissionDenied
        try:
            reason = serializer.validated_data["reason"]
            need = need_transition(need=need, action=name, user=request.user, reason=reason)
        except TransitionError as error:
            return self._refused(error)
        need = self.get_queryset().prefetch_related("events__actor").get(pk=need.pk)
        return Response(NeedDetailSerializer(need, context={"request": request}).data)
