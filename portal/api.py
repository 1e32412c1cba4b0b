"""REST API of the core: who am I, and the communes in my scope with their villages."""

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from portal.drf import ScopedModelSerializer, ScopedSlugRelatedField
from portal.models import AdministrativeUnit, UnitLevel, Village
from portal.permissions import Perm, Role
from portal.scoping import scope_for
from portal.selectors import commune_list
from portal.text import collated
from portal.views import login_locked_out


class VillageSerializer(ScopedModelSerializer):
    # Outside the caller's scope the commune does not exist (404); inside but read-only, 403.
    commune = ScopedSlugRelatedField(
        slug_field="code",
        queryset=AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True),
        perm=Perm.MANAGE_VILLAGES,
    )

    class Meta:
        model = Village
        fields = ["id", "commune", "name", "active"]
        read_only_fields = ["active"]


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
    write_perms = {"create": (Perm.MANAGE_VILLAGES,)}
    filterset_fields = ["commune__code", "active"]

    def get_queryset(self):
        return (
            Village.objects.visible_to(self.request.user)
            .select_related("commune")
            .order_by("commune", collated("name"), "pk")
        )


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


class TokenLoginSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False, write_only=True, help_text="Six-digit code, for accounts with two-factor login switched on."
    )


class TokenLogin(ObtainAuthToken):
    """POST username and password (and otp_token when two-factor login is on), receive {"token": …}."""

    serializer_class = TokenLoginSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the DRF request, which its middleware never sees: answer the lockout here.
            if getattr(request, "axes_locked_out", False):
                return login_locked_out(request._request)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and not device.verify_token(serializer.validated_data.get("otp_token", "")):
            raise AuthenticationFailed(_("Tài khoản này bật xác thực hai lớp: gửi kèm otp_token là mã 6 số."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
