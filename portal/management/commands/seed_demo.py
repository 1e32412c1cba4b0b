"""Build the demo province. Each app contributes its part through an optional `<app>.demo.seed(context)`,
called in INSTALLED_APPS order, so lower apps never import higher ones."""

import random
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

DEMO_PASSWORD = "portal-demo"  # noqa: S105 - documented demo password, set only when DEBUG is on


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
            choices=["small", "large"],
            default="small",
            help="large adds benchmark-scale data (200,000 children, 600,000 needs…) through each app's scale module",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the large volumes to generate (tests use 0.01)"
        )

    def handle(self, *args, size, scale, **options):
        context = DemoContext(size=size, scale=scale, rng=random.Random(2026), stdout=self.stdout)
        modules = ["demo", "scale"] if size == "large" else ["demo"]
        for module in modules:
            with transaction.atomic():
                for app_config in apps.get_app_configs():
                    if module_has_submodule(app_config.module, module):
                        import_module(f"{app_config.name}.{module}").seed(context)
        self._print_logins(context)

    def _print_logins(self, context):
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if context.demo_password is None:
            self.stdout.write("DEBUG is off: demo users have no usable password; set one with changepassword.")
            return
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, description in context.data.get("logins", []):
            self.stdout.write(f"  {username:<8} {description}")
