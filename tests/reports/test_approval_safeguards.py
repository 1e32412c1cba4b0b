"""Signing off figures is never one unwarned click: a checklist before leadership approve the final report and
before a commune confirms its figures, an explicit acknowledgement the services enforce, and a warning when
reopening figures that a final report states."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from needs.models import NeedStatus
from reports import services
from reports.models import CommuneConfirmation, ConfirmationStatus, ReportStatus
from tests.factories import PASSWORD
from tests.reports.factories import NeedFactory, registered_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path, monkeypatch):
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setattr("reports.documents.render_pdf", lambda template, context: b"%PDF-1.7 " + template.encode())


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def built(world, unit, **period):
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=unit, **period)
    return services.report_build(report_id=report.pk)


def acknowledgement(page) -> str:
    """What a user ticking the page's "I have read the warnings" box posts."""
    found = re.search(r'name="acknowledge" value="([^"]+)"', page.content.decode())
    assert found, "the page asks for no acknowledgement"
    return found.group(1)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def confirm(client, officer, commune):
    """The officer confirms as on the page: ticking the acknowledgement when the page asks for one."""
    page = login(client, officer).get(reverse("report-confirmation"))
    data = {"commune": commune.code}
    if 'name="acknowledge"' in page.content.decode():
        data["acknowledge"] = acknowledgement(page)
    client.post(reverse("report-confirmation"), data)
    return CommuneConfirmation.objects.get(commune=commune, status=ConfirmationStatus.CONFIRMED)


def confirm_both(client, world):
    p = world.personas
    confirm(client, p.officer_a, p.commune_a)  # A has a need still in draft: acknowledged
    confirm(client, p.officer_b, p.commune_b)


# --- Final approval ----------------------------------------------------------------------------------------------


def test_approval_lists_the_communes_that_have_not_confirmed_and_is_refused_without_acknowledgement(client, world):
    p = world.personas
    report = built(world, p.province)
    url = reverse("report-detail", args=[report.pk])

    page = login(client, p.leader).get(url)
    html = page.content.decode()
    assert "2/2 xã chưa xác nhận số liệu" in html
    for commune in (p.commune_a, p.commune_b):  # each named, with a link to the commune
        assert f'<a href="{reverse("commune-detail", args=[commune.code])}">{commune.name}</a>' in html
    assert "Tôi đã đọc các cảnh báo trên và vẫn phê duyệt báo cáo này." in html

    refused = client.post(reverse("report-approve", args=[report.pk]), follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "Còn 1 cảnh báo" in messages_of(refused)

    client.post(reverse("report-approve", args=[report.pk]), {"acknowledge": acknowledgement(page)})
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL
    approval = report.events.get(action="approve")
    assert "2/2 xã chưa xác nhận số liệu" in approval.reason  # what leadership acknowledged is on record
    assert "Phê duyệt dù còn cảnh báo" in client.get(url).content.decode()


def test_a_report_whose_totals_are_zero_says_so_before_approval(client, world):
    p = world.personas
    report = built(world, p.province, period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 12, 31))

    html = login(client, p.leader).get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Không có trẻ em nào được hỗ trợ trong kỳ (0 trẻ)." in html
    assert "Tổng tiền, hàng tiếp nhận trong kỳ bằng 0 đ." in html
    assert "Tổng phân bổ cho các nhu cầu trong kỳ bằng 0 đ." in html
    assert "Tổng giá trị hỗ trợ đã trao trong kỳ bằng 0 đ." in html
    assert "xã chưa xác nhận" not in html  # communes confirm the cycle's period, not this one


def test_needs_awaiting_verification_and_an_outdated_pdf_are_warned(client, world):
    p = world.personas
    registered_on(NeedFactory(commune=p.commune_b, status=NeedStatus.SUBMITTED), dt.date(2026, 6, 1))
    report = built(world, p.province)
    confirm(client, p.officer_b, p.commune_b)  # after the build

    html = login(client, p.leader).get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "1 nhu cầu đăng ký trong kỳ đã gửi nhưng Sở chưa thẩm định." in html
    assert "trước khi 1 xã xác nhận hoặc mở lại số liệu" in html
    assert f"?{'status=submitted'}" in html  # linked to the needs waiting
    assert "cũ hơn số liệu xã" in client.get(reverse("report-archive")).content.decode()


def test_leadership_approve_without_acknowledgement_when_the_checklist_is_empty(client, world):
    p = world.personas
    confirm_both(client, world)
    report = built(world, p.province)

    page = login(client, p.leader).get(reverse("report-detail", args=[report.pk]))
    assert 'name="acknowledge"' not in page.content.decode()
    assert "Không có cảnh báo" in page.content.decode()
    response = client.post(reverse("report-approve", args=[report.pk]), follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL
    assert "Đã phê duyệt bản chính thức." in messages_of(response)


def test_an_acknowledgement_covers_only_the_warnings_that_were_read(client, world):
    p = world.personas
    report = built(world, p.province)
    page = login(client, p.leader).get(reverse("report-detail", args=[report.pk]))
    services.confirmation_confirm(cycle=world.cycle, commune=p.commune_b, user=p.officer_b)  # meanwhile

    response = client.post(
        reverse("report-approve", args=[report.pk]), {"acknowledge": acknowledgement(page)}, follow=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "Danh sách cảnh báo đã thay đổi" in messages_of(response)


def test_the_service_refuses_an_unacknowledged_approval_whoever_calls_it(world):
    p = world.personas
    report = built(world, p.province)
    with pytest.raises(services.ReportError):
        services.report_approve(report=report, user=p.leader)
    with pytest.raises(services.ReportError):
        services.report_approve(report=report, user=p.leader, acknowledged="yes")
    with pytest.raises(PermissionDenied):  # still leadership's decision, acknowledged or not
        services.report_approve(report=report, user=p.staff)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_api_offers_no_way_around_the_checklist(client, world):
    report = built(world, world.personas.province)
    login(client, world.personas.leader)
    assert client.post(f"/api/v1/reports/{report.pk}/approve/").status_code == 404
    assert client.post(f"/api/v1/reports/{report.pk}/", {"status": "final"}).status_code == 405
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


# --- A commune's confirmation ------------------------------------------------------------------------------------


def test_a_commune_with_warnings_confirms_only_after_acknowledging_them(client, world):
    p = world.personas
    registered_on(NeedFactory(commune=p.commune_b, status=NeedStatus.SUBMITTED), dt.date(2026, 6, 1))
    registered_on(NeedFactory(commune=p.commune_b, status=NeedStatus.DRAFT), dt.date(2026, 6, 1))
    url = reverse("report-confirmation")

    page = login(client, p.officer_b).get(url)
    html = page.content.decode()
    assert "1 nhu cầu đăng ký trong kỳ đã gửi nhưng Sở chưa thẩm định." in html
    assert "1 nhu cầu còn ở bản nháp hoặc bị trả lại để sửa, chưa gửi Sở" in html
    assert "Tôi đã đọc các cảnh báo trên và vẫn xác nhận số liệu của xã." in html

    refused = client.post(url, {"commune": p.commune_b.code}, follow=True)
    assert not CommuneConfirmation.objects.filter(commune=p.commune_b, status=ConfirmationStatus.CONFIRMED).exists()
    assert "Còn 2 cảnh báo" in messages_of(refused)

    client.post(url, {"commune": p.commune_b.code, "acknowledge": acknowledgement(page)})
    confirmation = CommuneConfirmation.objects.get(commune=p.commune_b)
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert "Sở chưa thẩm định" in confirmation.events.get().reason


def test_a_commune_whose_figures_are_zero_is_warned(client, world):
    p = world.personas
    from portal.permissions import Role
    from tests.factories import UnitFactory, user_with_role

    empty = UnitFactory(parent=p.province, province=p.province, name="Xã Cao Sơn")
    officer = user_with_role(Role.COMMUNE_OFFICER, empty, username="officer_empty")
    html = login(client, officer).get(reverse("report-confirmation")).content.decode()
    assert "Không có trẻ em nào được hỗ trợ trong kỳ (0 trẻ)." in html
    assert "Tổng phân bổ cho các nhu cầu trong kỳ bằng 0 đ." in html
    client.post(reverse("report-confirmation"), {"commune": empty.code})
    assert not CommuneConfirmation.objects.filter(commune=empty, status=ConfirmationStatus.CONFIRMED).exists()


def test_a_commune_without_warnings_confirms_in_one_step(client, world):
    p = world.personas
    html = login(client, p.officer_b).get(reverse("report-confirmation")).content.decode()
    assert 'name="acknowledge"' not in html
    client.post(reverse("report-confirmation"), {"commune": p.commune_b.code})
    confirmation = CommuneConfirmation.objects.get(commune=p.commune_b)
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert confirmation.events.get().reason == ""


# --- Reopening after the final approval --------------------------------------------------------------------------


def test_reopening_after_the_final_approval_warns_records_and_shows_the_mismatch(client, world):
    p = world.personas
    confirm_both(client, world)
    report = built(world, p.province)
    login(client, p.leader).post(reverse("report-approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL
    assert "không còn khớp" not in client.get(reverse("report-dashboard")).content.decode()

    confirmation = CommuneConfirmation.objects.get(commune=p.commune_b)
    url = reverse("confirmation-reopen", args=[confirmation.pk])
    page = login(client, p.staff).get(url)
    html = page.content.decode()
    assert "Báo cáo chính thức sẽ không còn khớp" in html
    assert "báo cáo chính thức không còn khớp với số liệu của xã" in html
    assert reverse("report-detail", args=[report.pk]) in html

    refused = client.post(url, {"reason": "Thiếu 2 trẻ ở bản Khuổi Chang"})
    assert refused.status_code == 400
    assert "Còn 1 cảnh báo" in refused.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED

    client.post(url, {"reason": "Thiếu 2 trẻ ở bản Khuổi Chang", "acknowledge": acknowledgement(page)})
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.REOPENED
    recorded = report.events.get(action="outdated")
    assert p.commune_b.name in recorded.reason
    assert "Thiếu 2 trẻ" in recorded.reason

    login(client, p.leader)
    dashboard = client.get(reverse("report-dashboard")).content.decode()
    assert "Báo cáo chính thức không còn khớp với số liệu của xã" in dashboard
    assert reverse("report-detail", args=[report.pk]) in dashboard
    assert "không còn khớp số liệu xã" in client.get(reverse("report-archive")).content.decode()
    detail = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Thiếu 2 trẻ ở bản Khuổi Chang" in detail


def test_reopening_without_a_final_report_needs_only_a_reason(client, world):
    p = world.personas
    confirmation = confirm(client, p.officer_b, p.commune_b)
    url = reverse("confirmation-reopen", args=[confirmation.pk])

    page = login(client, p.staff).get(url)
    assert 'name="acknowledge"' not in page.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Sai số trẻ"})
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.REOPENED
    assert "không còn khớp" not in login(client, p.leader).get(reverse("report-dashboard")).content.decode()
