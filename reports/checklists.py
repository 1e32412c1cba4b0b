"""What to look at before figures are signed off: the checklist shown, and enforced, before a commune officer
confirms the commune's figures, before leadership approve a report as final, and before staff reopen a commune's
figures that a final report already states.

One selector per decision, each a `Checklist`. The page shows it; the service recomputes it inside its transaction
and refuses to go on while it is not empty unless the user acknowledged exactly these warnings: the checkbox posts
the checklist's fingerprint, so a warning that appeared after the page was opened (another commune reopened
meanwhile) is read before anything is signed.

Totals are read from reports.figures, never recomputed here: a warning says "0" only when the report says 0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from needs.models import Need, NeedStatus
from portal.models import AdministrativeUnit, UnitLevel
from portal.text import collated
from reports.figures import Figures, Lineage, disclosure_figures, figures_for
from reports.models import (
    BUILT_STATUSES,
    CommuneConfirmation,
    ConfirmationStatus,
    Report,
    ReportingCycle,
    ReportKind,
    ReportStatus,
)
from reports.selectors import confirmation_changes_since


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Check:
    """One warning: what is wrong, in words, with links to where it can be seen or fixed.

    `key` is what the acknowledgement covers: the same problem with other rows (another commune unconfirmed) is
    another key, so it is read again before it is signed.
    """

    code: str
    message: str
    key: str
    links: tuple[Link, ...] = ()


@dataclass
class Checklist:
    checks: list[Check] = field(default_factory=list)
    figures: Figures | None = None  # the figures the checks read, for the page to show without computing them again

    def __bool__(self) -> bool:
        return bool(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def __iter__(self):
        return iter(self.checks)

    @property
    def fingerprint(self) -> str:
        """What the acknowledgement checkbox posts; empty for an empty checklist."""
        if not self.checks:
            return ""
        return hashlib.sha256("\n".join(check.key for check in self.checks).encode()).hexdigest()[:20]

    def summary(self) -> str:
        """The warnings as one text, kept in the event of the approval, confirmation or reopening."""
        return "\n".join(f"- {check.message}" for check in self.checks)

    def refusal(self, acknowledged: str) -> str | None:
        """Why the decision may not go on with this acknowledgement; None when it may."""
        if not self.checks or acknowledged == self.fingerprint:
            return None
        if acknowledged:
            return _("Danh sách cảnh báo đã thay đổi từ khi bạn mở trang. Hãy đọc lại các cảnh báo trước khi xác nhận.")
        return ngettext(
            "Còn %(count)s cảnh báo: hãy đọc và đánh dấu «Tôi đã đọc các cảnh báo» nếu vẫn muốn tiếp tục.",
            "Còn %(count)s cảnh báo: hãy đọc và đánh dấu «Tôi đã đọc các cảnh báo» nếu vẫn muốn tiếp tục.",
            len(self.checks),
        ) % {"count": len(self.checks)}


# --- The selectors ---------------------------------------------------------------------------------------------


def approval_checklist(*, report: Report) -> Checklist:
    """Before leadership approve a draft as final: communes that have not confirmed the figures the report states,
    totals that are zero, needs the department has not verified, and a PDF older than the figures or a newer
    version. A Decree 03/2026 disclosure, which no commune confirms and which is published as it is, is checked
    instead for a period not over yet and for figures that changed since its PDF was built."""
    cycle = report.cycle
    figures = figures_for(unit=report.unit, period_start=report.period_start, period_end=report.period_end, cycle=cycle)
    checks = []
    if report.kind == ReportKind.DISCLOSURE:
        checks += _zero_totals(figures) + _disclosure_checks(report)
    else:
        if _is_cycle_period(report, cycle):
            checks += _unconfirmed(cycle=cycle, unit=report.unit)
        checks += _zero_totals(figures)
        checks += _awaiting_verification(figures)
    checks += _outdated(report)
    newer = (
        Report.objects.filter(
            cycle=cycle,
            unit=report.unit,
            period_start=report.period_start,
            period_end=report.period_end,
            status__in=BUILT_STATUSES,
            version__gt=report.version,
        )
        .order_by("-version")
        .first()
    )
    if newer is not None:
        checks.append(
            Check(
                "newer_version",
                _("Đã có phiên bản mới hơn của báo cáo này (phiên bản %(version)s).") % {"version": newer.version},
                f"newer:{newer.pk}",
                (Link(_("Phiên bản %(version)s") % {"version": newer.version}, _report_url(newer)),),
            )
        )
    return Checklist(checks, figures)


def confirmation_checklist(*, cycle: ReportingCycle, commune: AdministrativeUnit) -> Checklist:
    """Before a commune officer confirms the commune's figures for a cycle: zero totals, needs the department has
    not verified yet, and needs the commune has not sent (drafts, or returned to be fixed), which the confirmed
    figures will not count."""
    figures = figures_for(unit=commune, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle)
    checks = _zero_totals(figures) + _awaiting_verification(figures)
    not_sent = _registered_in(figures).filter(status__in=(NeedStatus.DRAFT, NeedStatus.RETURNED)).count()
    if not_sent:
        checks.append(
            Check(
                "not_sent",
                ngettext(
                    "%(count)s nhu cầu còn ở bản nháp hoặc bị trả lại để sửa, chưa gửi Sở: số liệu xác nhận sẽ "
                    "không tính nhu cầu này.",
                    "%(count)s nhu cầu còn ở bản nháp hoặc bị trả lại để sửa, chưa gửi Sở: số liệu xác nhận sẽ "
                    "không tính các nhu cầu này.",
                    not_sent,
                )
                % {"count": not_sent},
                f"not_sent:{not_sent}",
                (
                    Link(_("Nhu cầu cần sửa"), reverse("needs:to-fix")),
                    Link(_("Bản nháp"), _needs_url(figures, NeedStatus.DRAFT)),
                ),
            )
        )
    return Checklist(checks, figures)


def reopen_checklist(*, confirmation: CommuneConfirmation) -> Checklist:
    """Before staff reopen a commune's confirmed figures: the final reports that state them, which will no longer
    match the commune's figures once it confirms again."""
    checks = [
        Check(
            "final_report",
            _(
                "Báo cáo chính thức %(report)s (phiên bản %(version)s) đã được phê duyệt lúc %(when)s với số liệu đã "
                "xác nhận của %(commune)s. Mở lại số liệu thì báo cáo chính thức không còn khớp với số liệu của xã; "
                "cần lập lại và phê duyệt lại báo cáo."
            )
            % {
                "report": report.unit.name,
                "version": report.version,
                "when": _when(report.approved_at),
                "commune": confirmation.commune.name,
            },
            f"final:{report.pk}",
            (Link(_("Báo cáo chính thức"), _report_url(report)),),
        )
        for report in final_reports_stating(confirmation=confirmation)
    ]
    return Checklist(checks)


def final_reports_stating(*, confirmation: CommuneConfirmation):
    """The final reports of the cycle whose figures include this commune's confirmed figures."""
    cycle = confirmation.cycle
    return (
        Report.objects.filter(
            cycle=cycle,
            status=ReportStatus.FINAL,
            period_start=cycle.period_start,
            period_end=cycle.period_end,
        )
        .filter(Q(unit_id=confirmation.commune_id) | Q(unit_id=confirmation.commune.province_id))
        .select_related("unit")
        .order_by("pk")
    )


def report_changes(*, report: Report) -> list[dict]:
    """The communes whose figures were confirmed or reopened after the report read them (the start of its build):
    its PDF, and once approved the final report, no longer states their figures. One row per commune, its last
    change first."""
    if report.started_at is None or not _is_cycle_period(report, report.cycle):
        return []
    latest: dict[int, dict] = {}
    events = confirmation_changes_since(report=report).select_related("confirmation__commune", "actor")
    for event in events.order_by("-at", "-pk"):
        commune = event.confirmation.commune
        latest.setdefault(commune.pk, {"commune": commune, "event": event})
    return list(latest.values())


# --- The checks ------------------------------------------------------------------------------------------------


def _is_cycle_period(report: Report, cycle: ReportingCycle) -> bool:
    # Communes confirm the cycle's period: only a report of that period states their confirmed figures.
    return (report.period_start, report.period_end) == (cycle.period_start, cycle.period_end)


def _unconfirmed(*, cycle: ReportingCycle, unit: AdministrativeUnit) -> list[Check]:
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True)
    communes = communes.filter(province_id=unit.pk) if unit.level == UnitLevel.PROVINCE else communes.filter(pk=unit.pk)
    confirmed = CommuneConfirmation.objects.filter(cycle=cycle, status=ConfirmationStatus.CONFIRMED)
    total = communes.count()
    missing = list(communes.exclude(pk__in=confirmed.values("commune_id")).order_by(collated("name"), "pk"))
    if not missing:
        return []
    message = ngettext(
        "%(missing)s/%(total)s xã chưa xác nhận số liệu: báo cáo dùng số liệu hiện tại của xã, chưa được xã xác nhận.",
        "%(missing)s/%(total)s xã chưa xác nhận số liệu: báo cáo dùng số liệu hiện tại của các xã này, chưa được xã "
        "xác nhận.",
        len(missing),
    ) % {"missing": len(missing), "total": total}
    links = tuple(Link(c.name, reverse("commune-detail", args=[c.code])) for c in missing)
    return [Check("unconfirmed", message, "unconfirmed:" + ",".join(str(c.pk) for c in missing), links)]


def figure_totals(figures: Figures) -> list[tuple[str, int, str]]:
    """The totals whose zero the checklist points out: (code, value, what a zero means), read from the figures."""
    totals = figures.totals()
    return [
        ("children", totals["children_reached"], _("Không có trẻ em nào được hỗ trợ trong kỳ (0 trẻ).")),
        ("received", totals["received"], _("Tổng tiền, hàng tiếp nhận trong kỳ bằng 0 đ.")),
        ("allocated", totals["allocated"], _("Tổng phân bổ cho các nhu cầu trong kỳ bằng 0 đ.")),
        ("delivered", totals["delivered"], _("Tổng giá trị hỗ trợ đã trao trong kỳ bằng 0 đ.")),
    ]


def _zero_totals(figures: Figures) -> list[Check]:
    totals = figure_totals(figures)
    return [Check(f"zero_{code}", message, f"zero:{code}") for code, value, message in totals if not value]


def _registered_in(figures: Figures):
    """The needs of the figures' communes (older communes merged into them included) registered in the period."""
    roots = list(figures.commune_names)
    communes = set(roots) | set(Lineage.of(roots).root_of)
    return Need.objects.filter(
        commune_id__in=communes, created_at__date__range=(figures.period_start, figures.period_end)
    )


def _awaiting_verification(figures: Figures) -> list[Check]:
    waiting = _registered_in(figures).filter(status=NeedStatus.SUBMITTED).count()
    if not waiting:
        return []
    message = ngettext(
        "%(count)s nhu cầu đăng ký trong kỳ đã gửi nhưng Sở chưa thẩm định.",
        "%(count)s nhu cầu đăng ký trong kỳ đã gửi nhưng Sở chưa thẩm định.",
        waiting,
    ) % {"count": waiting}
    link = Link(_("Nhu cầu chờ thẩm định"), _needs_url(figures, NeedStatus.SUBMITTED))
    return [Check("awaiting_verification", message, f"waiting:{waiting}", (link,))]


def _outdated(report: Report) -> list[Check]:
    checks = []
    changes = report_changes(report=report)
    if changes:
        message = ngettext(
            "Bản PDF lập lúc %(when)s, trước khi %(count)s xã xác nhận hoặc mở lại số liệu: bản PDF không có số "
            "liệu mới nhất của xã. Hãy lập lại báo cáo.",
            "Bản PDF lập lúc %(when)s, trước khi %(count)s xã xác nhận hoặc mở lại số liệu: bản PDF không có số "
            "liệu mới nhất của các xã này. Hãy lập lại báo cáo.",
            len(changes),
        ) % {"when": _when(report.started_at), "count": len(changes)}
        links = tuple(
            Link(row["commune"].name, reverse("commune-detail", args=[row["commune"].code])) for row in changes
        )
        checks.append(Check("pdf_outdated", message, "changed:" + ",".join(str(r["event"].pk) for r in changes), links))
    if report.started_at is not None:
        texts = ReportingCycle.history.filter(id=report.cycle_id, history_date__gt=report.started_at)
        changed = texts.order_by("-history_date").values_list("history_date", flat=True).first()
        if changed is not None:
            checks.append(
                Check(
                    "cycle_changed",
                    _(
                        "Kỳ báo cáo (nội dung khó khăn, đề xuất hoặc các mốc thời gian) được sửa lúc %(when)s, sau "
                        "khi bản PDF được lập: bản PDF không có nội dung mới nhất. Hãy lập lại báo cáo."
                    )
                    % {"when": _when(changed)},
                    f"cycle:{changed.isoformat()}",
                )
            )
    return checks


def _disclosure_checks(report: Report) -> list[Check]:
    """A disclosure published before its year is over, or whose figures moved since its PDF was built (money
    received or allocated recorded later with a date in the period)."""
    checks = []
    if report.period_end >= timezone.localdate():
        checks.append(
            Check(
                "period_open",
                _(
                    "Kỳ số liệu chưa kết thúc (đến ngày %(end)s): công bố bây giờ thì số liệu còn có thể thay đổi sau "
                    "khi đã công khai."
                )
                % {"end": report.period_end.strftime("%d/%m/%Y")},
                f"open:{report.period_end.isoformat()}",
            )
        )
    if report.is_built:
        with translation.override("vi"):  # as the build computed them, definitions included
            now = disclosure_figures(unit=report.unit, period_start=report.period_start, period_end=report.period_end)
        if now != report.figures:
            checks.append(
                Check(
                    "figures_changed",
                    _(
                        "Số liệu đã thay đổi từ khi bản PDF được lập lúc %(when)s (có khoản tiếp nhận hoặc phân bổ "
                        "được ghi sau đó): bản công khai không còn đúng số liệu hiện tại. Hãy lập lại."
                    )
                    % {"when": _when(report.started_at)},
                    f"figures:{report.pk}",
                )
            )
    return checks


def _needs_url(figures: Figures, status: str) -> str:
    query = {"status": status}
    if not figures.is_province:
        query["commune"] = figures.unit.pk
    return f"{reverse('needs:need-list')}?{urlencode(query)}"


def _report_url(report: Report) -> str:
    return reverse("report-detail", args=[report.pk])


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else "—"
