from django.core.management.base import BaseCommand, CommandError

from portal.units_loader import available_provinces, units_load


class Command(BaseCommand):
    help = (
        "Load administrative units in force since 1 July 2025 and the pre-2025 units they came from, "
        "from the vietnamadminunits data package. Idempotent."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--province", action="append", metavar="CODE", help="2-digit province code; repeatable")
        target.add_argument("--all", action="store_true", help="all 34 provinces")
        target.add_argument("--list", action="store_true", help="list province codes and names")

    def handle(self, *args, province=None, all=False, list=False, **options):
        if list:
            for code, name in available_provinces():
                self.stdout.write(f"{code}  {name}")
            return
        try:
            summary = units_load(province_codes=None if all else province)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.provinces} province(s), {summary.communes} communes in force; "
                f"{summary.districts} former districts and {summary.historical_communes} former communes."
            )
        )
