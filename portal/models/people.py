"""Users and the roles they hold over administrative units."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.units import UnitLevel
from portal.permissions import ROLE_UNIT_LEVEL, UNBOUND_ROLES, Role


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def __str__(self):
        return self.get_full_name()


class RoleAssignment(models.Model):
    """A role a user holds, bound to the unit it applies to (a commune or a province)."""

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_once_per_unit"),
            models.CheckConstraint(
                condition=Q(role__in=UNBOUND_ROLES) | Q(unit__isnull=False),
                name="unit_bound_roles_have_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit or '*'}"

    def clean(self):
        level = ROLE_UNIT_LEVEL[self.role]
        if level and (self.unit is None or self.unit.level != level):
            message = _("Vai trò này phải gắn với một đơn vị cấp %(level)s.") % {"level": UnitLevel(level).label}
            raise ValidationError({"unit": message})
        if level is None and self.role in (Role.ADMIN, Role.MINISTRY) and self.unit is not None:
            raise ValidationError({"unit": _("Vai trò này không gắn với đơn vị.")})
