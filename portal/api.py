"""REST API of the core: who am I, and the communes in my scope with their villages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from portal.models import AdministrativeUnit, UnitLevel, Village
from portal.permissions import Perm, Role
from portal.scoping import get_for_user, scope_for
from portal.selectors import commune_list


class VillageSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True),
    )

    class Meta:
        model = Village
        fields = ["id", "commune", "name", "active"]
        read_only_fields = ["active"]

    def validate_commune(self, commune):
        # Outside the caller's scope the commune does not exist; inside but read-only, 403.
        get_for_user(
            AdministrativeUnit.objects.filter(pk=commune.pk),
            self.context["request"].user,
            Perm.MANAGE_VILLAGES,
        )
        return commune


class CommuneSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.name")
    extremely_disadvantaged = serializers.BooleanField()
    mountainous = serializers.BooleanField()
    village_count = serializers.IntegerField()

    class Meta:
        model = AdministrativeUnit
        fields = [
            "code",
            "name",
            "division_type",
            "province",
            "extremely_disadvantaged",
            "mountainous",
            "village_count",
        ]


class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommuneSerializer
    lookup_field = "code"

    def get_queryset(self):
        return commune_list(user=self.request.user)


class VillageViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VillageSerializer
    filterset_fields = ["commune__code", "active"]

    def get_queryset(self):
        return Village.objects.visible_to(self.request.user).select_related("commune").order_by("commune", "name")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=Perm.choices))


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    scope = scope_for(request.user)
    return Response(
        {
            "username": request.user.username,
            "full_name": request.user.get_full_name(),
            "roles": sorted(scope.roles),
            "permissions": sorted(perm for perm in Perm.values if scope.has_perm(perm)),
        }
    )


class TokenLogin(ObtainAuthToken):
    """POST username and password, receive {"token": …} for `Authorization: Token …`."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
