import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.models import AdministrativeUnit, Agency, UnitLevel
from reports import services
from reports.models import CycleKind, ReportingCycle, ReportStatus


class Command(BaseCommand):
    help = (
        "Build the report of a year for the province (or one commune with --unit) and print the stored PDF's path. "
        "Without --sync the Celery worker builds it and the command waits; with --sync it builds here. With "
        "--disclosure: the year's Decree 03/2026 disclosure of the province instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", metavar="CODE", help="province (2 digits) or commune (5 digits) code")
        parser.add_argument("--sync", action="store_true", help="build in this process instead of the worker")
        parser.add_argument("--disclosure", action="store_true", help="the Decree 03/2026 disclosure of the year")
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the worker")

    def handle(self, *args, year, unit=None, sync=False, timeout=600, disclosure=False, **options):
        target = self._unit(unit)
        province_id = target.pk if target.level == UnitLevel.PROVINCE else target.province_id
        kind = CycleKind.DISCLOSURE if disclosure else CycleKind.ANNUAL
        cycles = ReportingCycle.objects.filter(province_id=province_id, year=year, kind=kind)
        cycle = cycles.order_by("-programme__start_year").first()
        if cycle is None:
            raise CommandError(f"No reporting cycle for {year} in this province: create one in the admin first.")
        report = services.report_request(user=None, cycle=cycle, unit=target)
        if sync or settings.CELERY_TASK_ALWAYS_EAGER:
            services.report_build(report_id=report.pk)
        elif not services.report_enqueue(report):
            raise CommandError(f"The broker does not answer; report #{report.pk} stays queued. Try --sync.")
        else:
            self.stderr.write(f"Report #{report.pk} queued; waiting for the worker…")
            deadline = time.monotonic() + timeout
            while True:
                report.refresh_from_db()
                if not report.is_running or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        report.refresh_from_db()
        if report.status != ReportStatus.DRAFT:
            raise CommandError(f"Report #{report.pk} is {report.status}: {report.error or 'still running'}")
        self.stdout.write(str(services.report_path(report)))

    def _unit(self, code):
        if code:
            unit = AdministrativeUnit.objects.filter(code=code, valid_to__isnull=True).exclude(level="district").first()
            if unit is None:
                raise CommandError(f"No unit in force with code {code}.")
            return unit
        provinces = list(Agency.objects.select_related("province")[:2])
        if len(provinces) != 1:
            raise CommandError("Several provinces (or none) have agency settings: name one with --unit.")
        return provinces[0].province
