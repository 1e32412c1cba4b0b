"""Build the demo province. Each app contributes its part through an optional `<app>.demo.seed(context)`,
called in INSTALLED_APPS order, so lower apps never import higher ones.

`--size large` then runs each app's `<app>.scale.seed(context)` for the demo province; `--size national` loads
every province's units and runs them once per province in force (one transaction each, so a run that stops keeps
the provinces it finished and the next run goes on from there), with `context.scale` set to the province's share
of the national volumes (NATIONAL times the large province's, see `national_shares`).
"""

import math
import random
import time
from dataclasses import dataclass, field, replace
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.module_loading import module_has_submodule

DEMO_PASSWORD = "portal-demo"  # noqa: S105 - documented demo password, set only when DEBUG is on
# The national volumes are ten times the large province's (issue 18: 2,000,000 children, 6,000,000 needs, 50,000
# donors, about 4,000,000 allocations), shared out among the provinces by `national_shares`.
NATIONAL = 10


@dataclass
class DemoContext:
    size: str
    scale: float
    rng: random.Random
    stdout: object
    data: dict = field(default_factory=dict)

    @property
    def demo_password(self) -> str | None:
        return DEMO_PASSWORD if settings.DEBUG else None


class Command(BaseCommand):
    help = "Build (or refresh) the demo province: real units of Thái Nguyên, demo users, children. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["small", "large", "national"],
            default="small",
            help="large adds benchmark-scale data (200,000 children, 600,000 needs…) through each app's scale "
            "module; national does it for all 34 provinces (2,000,000 children, 6,000,000 needs…)",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the large or national volumes to generate (tests use 0.01)",
        )

    def handle(self, *args, size, scale, **options):
        context = DemoContext(size=size, scale=scale, rng=random.Random(2026), stdout=self.stdout)
        self._run("demo", context)
        if size == "large":
            self._run("scale", context)
        elif size == "national":
            self._national(context)
        self._print_logins(context)

    def _run(self, module, context):
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, module):
                    import_module(f"{app_config.name}.{module}").seed(context)

    def _national(self, context):
        from portal.units_loader import units_load

        started = time.perf_counter()
        units_load()
        self.stdout.write(f"Units of every province loaded in {time.perf_counter() - started:.0f} s.")
        demo_province = context.data["province"]
        for province, share in national_shares(context.rng):
            # Another province's generated data is not the demo users': no demo user made its batches.
            users = context.data["users"] if province == demo_province else {}
            local = replace(
                context,
                scale=context.scale * NATIONAL * share,
                rng=random.Random(f"2026-{province.code}"),
                data={**context.data, "province": province, "users": users, "large": {}},
            )
            started = time.perf_counter()
            self._run("scale", local)
            self.stdout.write(f"{province.name}: {time.perf_counter() - started:.0f} s.")

    def _print_logins(self, context):
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if context.demo_password is None:
            self.stdout.write("DEBUG is off: demo users have no usable password; set one with changepassword.")
            return
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, description in context.data.get("logins", []):
            self.stdout.write(f"  {username:<8} {description}")


def national_shares(rng) -> list[tuple]:
    """Each province in force with its share of the national volumes (the shares add up to one): proportional
    to its rural communes ("Xã", where the ĐBKK communes are; the real list is not in the data), times a
    long-tailed draw, so that provinces differ by more than their number of communes."""
    from portal.models import AdministrativeUnit, UnitLevel

    provinces = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).order_by("code")
    )
    rural = dict(
        AdministrativeUnit.objects.communes()
        .current()
        .filter(division_type="Xã")
        .values_list("province")
        .annotate(n=models.Count("id"))
    )
    weights = [rural.get(province.pk, 0) * rng.lognormvariate(0, 0.6) for province in provinces]
    total = math.fsum(weights) or 1
    return [(province, weight / total) for province, weight in zip(provinces, weights, strict=True) if weight]
