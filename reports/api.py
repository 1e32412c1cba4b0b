"""REST API of the reports app: the archive (list, detail, download) and the figures as JSON, scoped."""

import datetime as dt

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.permissions import Perm
from portal.scoping import get_for_user
from reports import services
from reports.figures import figures_for
from reports.models import Report
from reports.selectors import cycle_for_unit, report_list, unit_for_figures


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    year = serializers.IntegerField(source="cycle.year")
    programme = serializers.CharField(source="cycle.programme.code")

    class Meta:
        model = Report
        fields = [
            "id",
            "programme",
            "year",
            "unit",
            "unit_name",
            "kind",
            "period_start",
            "period_end",
            "version",
            "status",
            "progress",
            "sha256",
            "size",
            "requested_at",
            "built_at",
            "approved_at",
        ]


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports in the caller's scope; `download` needs the permission to download reports."""

    serializer_class = ReportSerializer
    filterset_fields = ["status", "kind", "unit__code"]

    def get_queryset(self):
        return report_list(user=self.request.user).select_related("cycle__programme")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True)
    def download(self, request, pk=None):
        report = get_for_user(Report.objects.select_related("unit"), request.user, Perm.DOWNLOAD_REPORTS, pk=pk)
        path = services.report_path(report) if report.is_built else None
        if path is None or not path.exists():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/pdf")


class FiguresViewSet(viewsets.ViewSet):
    """Every figure of a province or commune for a period (default: the current reporting cycle's)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="province or commune code; default: the caller's province"),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        unit = unit_for_figures(user=request.user, code=request.query_params.get("unit"))
        cycle = cycle_for_unit(unit=unit)
        try:
            start = _date(request.query_params.get("start")) or (cycle and cycle.period_start)
            end = _date(request.query_params.get("end")) or (cycle and cycle.period_end)
        except ValueError as error:
            raise serializers.ValidationError({"start": str(error)}) from error
        if not start or not end:
            raise serializers.ValidationError({"start": "start and end are required when no cycle exists"})
        if end < start:
            raise serializers.ValidationError({"end": "end must not be before start"})
        return Response(figures_for(unit=unit, period_start=start, period_end=end, cycle=cycle).as_dict())


def _date(value):
    return dt.date.fromisoformat(value) if value else None
