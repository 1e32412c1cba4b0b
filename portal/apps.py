from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Lõi cổng thông tin")

    def ready(self):
        from rest_framework.serializers import ModelSerializer

        from portal.money import VndField
        from portal.money_api import VndSerializerField

        # Every ModelSerializer reads a model's đồng fields the Vietnamese way (DRF's documented mapping hook).
        ModelSerializer.serializer_field_mapping[VndField] = VndSerializerField
