"""Row counts and money totals of every table the portal owns, as JSON: what a restored backup must match."""

import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models
from django.db.models import Count, Sum

PORTAL_APPS = {"portal", "needs", "donors", "allocations", "reports"}


def data_totals() -> dict[str, dict[str, int]]:
    totals = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label not in PORTAL_APPS:
            continue
        money = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.BigIntegerField) and not f.primary_key
        ]
        aggregates = {"rows": Count("pk"), **{f"sum_{name}": Sum(name) for name in money}}
        totals[model._meta.label] = {
            key: value or 0 for key, value in model._base_manager.aggregate(**aggregates).items()
        }
    return totals


class Command(BaseCommand):
    help = "Print row counts and the sum of every đồng column of the portal's tables, as JSON."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(data_totals(), indent=1, sort_keys=True))
