"""Reporting cycles in the portal: staff open next year's cycle and move its dates until a report of it is final;
leadership and auditors read them; every change is kept in the cycle's history."""

import datetime as dt

import pytest
from django.urls import reverse

from reports import services
from reports.models import ConfirmationStatus, ReportingCycle
from tests.factories import PASSWORD
from tests.reports.factories import approve_acknowledged

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setattr("reports.documents.render_pdf", lambda template, context: b"%PDF-1.7 " + template.encode())


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def dates(**changes) -> dict:
    values = {"period_start": "2026-01-01", "period_end": "2026-11-15", "confirm_by": "2026-11-20"}
    return {"due_on": "2026-11-30", **values, **changes}


def test_the_form_proposes_next_year_continuing_the_previous_period(client, world):
    page = login(client, world.personas.staff).get(reverse("cycle-create"))

    assert page.status_code == 200
    form = page.context["form"]
    assert form["programme"].value() == world.cycle.programme.pk
    assert form["year"].value() == 2027
    assert form["period_start"].value() == dt.date(2026, 11, 16)  # the day after the 2026 figures end
    assert form["period_end"].value() == dt.date(2027, 11, 15)
    assert form["confirm_by"].value() == dt.date(2027, 11, 15)
    assert form["due_on"].value() == dt.date(2027, 11, 30)


def test_a_province_without_cycles_starts_on_1_january_of_this_year(client, world):
    form = login(client, world.personas.staff_q).get(reverse("cycle-create")).context["form"]
    assert (form["year"].value(), form["period_start"].value()) == (2026, dt.date(2026, 1, 1))


def test_staff_open_the_cycle_and_the_opening_is_recorded(client, world):
    p = world.personas
    data = {"programme": world.cycle.programme.pk, "year": 2027, "period_start": "2026-11-16"}
    data |= {"period_end": "2027-11-15", "confirm_by": "2027-11-15", "due_on": "2027-11-30"}

    response = login(client, p.staff).post(reverse("cycle-create"), data, follow=True)

    cycle = ReportingCycle.objects.get(province=p.province, year=2027)
    assert response.redirect_chain[-1][0] == reverse("cycle-detail", args=[cycle.pk])
    assert "Đã mở kỳ báo cáo năm 2027" in response.content.decode()
    assert (cycle.period_start, cycle.due_on) == (dt.date(2026, 11, 16), dt.date(2027, 11, 30))
    [opened] = cycle.history.all()
    assert (opened.history_type, opened.history_user) == ("+", p.staff)


def test_the_same_year_twice_is_refused_with_a_clear_message(client, world):
    data = {"programme": world.cycle.programme.pk, "year": 2026, **dates()}
    response = login(client, world.personas.staff).post(reverse("cycle-create"), data)

    assert response.status_code == 400
    assert "Tỉnh đã có kỳ báo cáo năm 2026 của chương trình này." in response.content.decode()
    assert ReportingCycle.objects.filter(province=world.personas.province).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirm_by": "2026-12-01"}, "Hạn xã xác nhận số liệu phải trước hạn gửi báo cáo."),
        ({"period_end": "2025-12-31"}, "Ngày cuối của kỳ số liệu phải sau ngày đầu."),
        ({"due_on": "2026-11-10", "confirm_by": "2026-11-01"}, "Hạn gửi báo cáo phải sau ngày cuối của kỳ số liệu."),
    ],
)
def test_dates_out_of_order_are_refused_and_what_was_typed_is_kept(client, world, changes, message):
    response = login(client, world.personas.staff).post(
        reverse("cycle-detail", args=[world.cycle.pk]), dates(**changes)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert all(f'value="{value}"' in html for value in changes.values())
    world.cycle.refresh_from_db()
    assert world.cycle.due_on == dt.date(2026, 11, 30)


def test_a_year_outside_the_programme_is_refused(client, world):
    data = {"programme": world.cycle.programme.pk, "year": 2036, **dates()}
    response = login(client, world.personas.staff).post(reverse("cycle-create"), data)
    assert response.status_code == 400
    assert "Năm 2036 nằm ngoài thời gian của chương trình (2026–2035)." in response.content.decode()


def test_staff_move_the_dates_and_the_auditor_reads_who_changed_what(client, world):
    p = world.personas
    url = reverse("cycle-detail", args=[world.cycle.pk])
    response = login(client, p.staff).post(url, dates(confirm_by="2026-11-18"), follow=True)

    assert "Đã lưu các mốc thời gian của kỳ báo cáo." in response.content.decode()
    world.cycle.refresh_from_db()
    assert world.cycle.confirm_by == dt.date(2026, 11, 18)
    assert response.context["history"] is None  # the audit trail is the auditors' to read
    client.logout()

    page = login(client, p.auditor).get(url)
    assert page.context["form"] is None
    [change] = [entry for entry in page.context["history"] if entry["changes"]]
    assert change["who"] == p.staff
    assert change["changes"] == [("Hạn xã xác nhận số liệu", "20/11/2026", "18/11/2026")]


def test_moving_the_period_asks_communes_that_confirmed_the_old_one_to_confirm_again(client, world):
    p = world.personas
    confirmed = services.confirmation_confirm(cycle=world.cycle, commune=p.commune_b, user=p.officer_b)
    url = reverse("cycle-detail", args=[world.cycle.pk])

    same_period = login(client, p.staff).post(url, dates(confirm_by="2026-11-18"), follow=True)
    assert "cần xác nhận lại" not in same_period.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == ConfirmationStatus.CONFIRMED

    moved = client.post(url, dates(period_end="2026-10-31"), follow=True)

    assert "1 xã đã xác nhận số liệu theo kỳ cũ cần xác nhận lại" in moved.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == ConfirmationStatus.REOPENED
    event = confirmed.events.latest("pk")
    assert (event.actor, event.reason) == (
        p.staff,
        "Kỳ báo cáo đổi từ 01/01/2026–15/11/2026 sang 01/01/2026–31/10/2026; số liệu đã xác nhận tính theo kỳ cũ.",
    )
    again = services.confirmation_confirm(cycle=world.cycle, commune=p.commune_b, user=p.officer_b)
    assert again.snapshot != {}
    assert again.status == ConfirmationStatus.CONFIRMED


def test_a_final_report_locks_the_dates_and_the_page_says_why(client, world):
    p = world.personas
    report = services.report_request(user=p.staff, cycle=world.cycle, unit=p.province)
    services.report_build(report_id=report.pk)
    approve_acknowledged(report, p.leader)
    url = reverse("cycle-detail", args=[world.cycle.pk])

    page = login(client, p.staff).get(url)
    assert page.context["form"] is None
    assert "Các mốc thời gian đã khóa: báo cáo của kỳ đã được phê duyệt chính thức" in page.content.decode()
    response = client.post(url, dates(due_on="2026-12-15"), follow=True)
    assert "không sửa được các mốc thời gian" in response.content.decode()
    world.cycle.refresh_from_db()
    assert world.cycle.due_on == dt.date(2026, 11, 30)
    with pytest.raises(services.ReportError):
        services.cycle_update_dates(cycle=world.cycle, user=p.staff, **{k: dt.date(2026, 11, 30) for k in dates()})
    listed = client.get(reverse("cycle-list"))
    assert "Đã có báo cáo chính thức; các mốc thời gian đã khóa" in listed.content.decode()


@pytest.mark.parametrize(("role", "status"), [("leader", 403), ("auditor", 403), ("staff_q", 404), ("officer_a", 404)])
def test_only_staff_of_the_province_change_the_dates(client, world, role, status):
    response = login(client, getattr(world.personas, role)).post(
        reverse("cycle-detail", args=[world.cycle.pk]), dates(due_on="2026-12-15")
    )
    assert response.status_code == status
    world.cycle.refresh_from_db()
    assert world.cycle.due_on == dt.date(2026, 11, 30)


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leadership_and_auditors_read_the_cycles_but_open_none(client, world, role):
    login(client, getattr(world.personas, role))
    listed = client.get(reverse("cycle-list"))
    assert listed.status_code == 200
    assert list(listed.context["cycles"]) == [world.cycle]
    assert "Mở kỳ báo cáo mới" not in listed.content.decode()
    assert client.get(reverse("cycle-detail", args=[world.cycle.pk])).context["form"] is None
    data = {"programme": world.cycle.programme.pk, "year": 2027, **dates()}
    assert client.post(reverse("cycle-create"), data).status_code == 403
    assert ReportingCycle.objects.count() == 1


def test_the_list_shows_the_provinces_cycles_and_marks_the_current_one(client, world):
    services.cycle_create(
        user=world.personas.staff,
        province=world.personas.province,
        programme=world.cycle.programme,
        year=2027,
        **{"period_start": dt.date(2026, 11, 16), "period_end": dt.date(2027, 11, 15)},
        **{"confirm_by": dt.date(2027, 11, 15), "due_on": dt.date(2027, 11, 30)},
    )
    page = login(client, world.personas.staff).get(reverse("cycle-list"))

    assert [c.year for c in page.context["cycles"]] == [2027, 2026]
    assert page.context["current_ids"] == {world.cycle.pk}  # 2026 is due on 30/11/2026, still ahead
    assert "Kỳ hiện tại" in page.content.decode()
    client.logout()
    assert list(login(client, world.personas.staff_q).get(reverse("cycle-list")).context["cycles"]) == []


def test_the_list_page_has_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    login(client, world.personas.staff)
    client.get(reverse("cycle-list"))  # the session's first page warms what every page loads
    with django_assert_num_queries(7):
        assert client.get(reverse("cycle-list")).status_code == 200
    for year in (2027, 2028):
        ReportingCycle.objects.create(
            programme=world.cycle.programme,
            province=world.personas.province,
            year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 11, 15),
            confirm_by=dt.date(year, 11, 15),
            due_on=dt.date(year, 11, 30),
        )
    with django_assert_num_queries(7):
        assert client.get(reverse("cycle-list")).status_code == 200


def test_staff_find_the_cycles_in_the_menu_and_open_the_first_one_from_home(client, personas):
    home = login(client, personas.staff).get(reverse("home")).content.decode()
    assert f'href="{reverse("cycle-list")}"' in home
    assert f'href="{reverse("cycle-create")}"' in home  # no cycle yet: the home panel offers to open one
    client.logout()
    leader_home = login(client, personas.leader).get(reverse("home")).content.decode()
    assert f'href="{reverse("cycle-create")}"' not in leader_home
