"""Partner organisations (tổ chức phối hợp): the province's Fatherland Front, Women's and Youth Unions, Red Cross,
Department of Education… that give support directly, outside the department's ledger, and record it here.

An organisation belongs to one province; its user accounts (`members`, each also holding the partner role in that
province) see the organisation and what it recorded, never the province's children, needs or donors.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.permissions import Perm
from portal.scoping import ScopedQuerySet
from portal.text import fold


class PartnerKind(models.TextChoices):
    FATHERLAND_FRONT = "fatherland_front", _("Ủy ban Mặt trận Tổ quốc")
    WOMEN_UNION = "women_union", _("Hội Liên hiệp Phụ nữ")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    RED_CROSS = "red_cross", _("Hội Chữ thập đỏ")
    EDUCATION = "education", _("Sở Giáo dục và Đào tạo")
    OTHER = "other", _("Tổ chức khác")


class PartnerOrganisation(models.Model):
    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="partner_organisations",
        limit_choices_to={"level": "province"},
    )
    name = models.CharField(_("tên tổ chức"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)  # fold(name), for lookups
    kind = models.CharField(_("loại tổ chức"), max_length=20, choices=PartnerKind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản của tổ chức"),
        blank=True,
        related_name="partner_organisations",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    scope_owner_path = "members"
    scope_owner_perm = Perm.RECORD_PARTNER_SUPPORT
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("tổ chức phối hợp")
        verbose_name_plural = _("tổ chức phối hợp")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["province", "name_key"], name="partner_name_once_per_province")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)
