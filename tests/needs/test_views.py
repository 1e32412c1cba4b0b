"""The officer's quick flow, the lists (constant query counts), the to-fix list and the verification queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from needs.models import Category, Child, ChildConsent, Need, NeedStatus
from needs.workflow import need_transition
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory, group_need


def _quick(personas, **changes):
    data = {
        "child-full_name": "Triệu Thị Mẩy",
        "child-sex": "F",
        "child-birth_date": "2016-10-02",
        "child-ethnic_group": ChildFactory._meta.declarations["ethnic_group"].function().pk,
        "child-commune": personas.commune_a.pk,
        "child-school_level": "primary",
        "child-guardian_name": "Triệu Văn Tòn",
        "child-guardian_phone": "0912345678",
        "child-guardian_consents": "on",
        "child-child_consents": "on",
        "need-category": Category.WARM_CLOTHING,
        "need-unit_cost": "350000",
        "need-priority": "3",
        "need-justification": "Nhà trên núi cao, rét đậm",
        "submit": "1",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_quick_flow_registers_a_child_consents_and_a_submitted_need(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:register"), _quick(personas))
    need = Need.objects.get()
    assert response.url == reverse("needs:need-detail", args=[need.pk])
    assert need.status == NeedStatus.SUBMITTED
    assert need.child.full_name == "Triệu Thị Mẩy"
    assert need.clothing_size == "10-11"  # proposed from her age (10)
    assert set(ChildConsent.objects.values_list("given_by", flat=True)) == {"guardian", "child"}
    assert list(need.events.values_list("to_status", flat=True)) == ["draft", "submitted"]


@pytest.mark.django_db
def test_the_quick_flow_keeps_everything_typed_when_something_is_wrong(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("needs:register"), _quick(personas, **{"need-category": Category.HEALTHCARE, "need-unit_cost": ""})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Child.objects.exists()
    for typed in ("Triệu Thị Mẩy", "0912345678", "Nhà trên núi cao, rét đậm", "2016-10-02"):
        assert typed in page


@pytest.mark.django_db
def test_a_service_error_saves_nothing_and_shows_next_to_the_field(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:register"), _quick(personas, **{"need-category": Category.HEALTHCARE}))
    assert "Chọn khám sức khỏe hay điều trị." in response.content.decode()
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_the_to_fix_list_shows_returned_needs_with_the_reason(client, personas):
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a), status=NeedStatus.SUBMITTED)
    need_transition(need=need, action="return", user=personas.staff, reason="Bổ sung ảnh nhà ở")
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:to-fix")).content.decode()
    assert "Bổ sung ảnh nhà ở" in page
    assert reverse("needs:need-detail", args=[need.pk]) in page
    edit = client.post(
        reverse("needs:need-edit", args=[need.pk]),
        {
            "category": Category.WARM_CLOTHING,
            "quantity": 1,
            "unit_cost": 380000,
            "priority": 2,
            "justification": "Đã bổ sung",
        },
    )
    assert edit.status_code == 302
    client.post(reverse("needs:need-transition", args=[need.pk]), {"action": "submit"})
    need.refresh_from_db()
    assert (need.status, need.unit_cost) == (NeedStatus.SUBMITTED, 380000)


@pytest.mark.django_db
def test_staff_verify_and_return_in_bulk_and_a_return_needs_a_reason(client, personas):
    needs = [
        NeedFactory(child=ChildFactory(commune=commune), status=NeedStatus.SUBMITTED)
        for commune in (personas.commune_a, personas.commune_b, personas.commune_a)
    ]
    client.force_login(personas.staff)
    queue = client.get(reverse("needs:queue")).content.decode()
    assert all(f"#{need.pk}" in queue for need in needs)
    refused = client.post(reverse("needs:queue"), {"needs": [needs[2].pk], "action": "return", "reason": ""})
    assert "Cần ghi lý do để “Trả lại để sửa”" in refused.content.decode()
    client.post(reverse("needs:queue"), {"needs": [needs[0].pk, needs[1].pk], "action": "verify"})
    client.post(reverse("needs:queue"), {"needs": [needs[2].pk], "action": "return", "reason": "Thiếu lý do"})
    statuses = [Need.objects.get(pk=need.pk).status for need in needs]
    assert statuses == [NeedStatus.VERIFIED, NeedStatus.VERIFIED, NeedStatus.RETURNED]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("officer_a", 403), ("leader", 403), ("donor", 403)])
def test_the_queue_is_only_for_those_who_verify(client, personas, persona, expected):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("needs:queue")).status_code == expected


@pytest.mark.django_db
def test_the_home_page_counts_drafts_returns_and_waiting(client, personas):
    for status in (NeedStatus.DRAFT, NeedStatus.DRAFT, NeedStatus.RETURNED, NeedStatus.SUBMITTED):
        NeedFactory(child=ChildFactory(commune=personas.commune_a), status=status)
    client.force_login(personas.officer_a)
    page = client.get(reverse("home")).content.decode()
    assert "<strong>2</strong> bản nháp chưa gửi" in page
    assert "<strong>1</strong> cần sửa theo yêu cầu của Sở" in page
    client.force_login(personas.staff)
    assert "<strong>1</strong> nhu cầu chờ thẩm định" in client.get(reverse("home")).content.decode()


def _fill(personas, count, status=NeedStatus.SUBMITTED):
    for _number in range(count):
        NeedFactory(child=ChildFactory(commune=personas.commune_a), status=status)
    group_need(personas.commune_a, status=status)


LISTS = [
    ("needs:need-list", {}),
    ("needs:need-list", {"category": Category.WARM_CLOTHING, "status": "submitted", "q": "giang"}),
    ("needs:child-list", {}),
    ("needs:queue", {}),
    ("needs:to-fix", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), LISTS)
def test_list_pages_take_the_same_number_of_queries_for_3_or_30_rows(
    client, personas, django_assert_num_queries, name, params
):
    client.force_login(personas.staff if name == "needs:queue" else personas.officer_a)
    status = NeedStatus.RETURNED if name == "needs:to-fix" else NeedStatus.SUBMITTED
    _fill(personas, 3, status)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name), params).status_code == 200
    _fill(personas, 30, status)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name), params).context["page"].paginator.count > 25


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/needs/", "/api/v1/children/", "/api/v1/needs/?status=submitted&q=giang"])
def test_api_lists_take_the_same_number_of_queries_for_3_or_30_rows(personas, django_assert_num_queries, url):
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    _fill(personas, 3)
    api.get(url)  # the first request computes the caller's scope
    _fill(personas, 30)
    with django_assert_num_queries(2):  # one count for pagination, one page of rows
        assert api.get(url).status_code == 200


@pytest.mark.django_db
def test_the_api_schema_documents_children_and_needs_without_warnings(client, personas):
    client.force_login(personas.staff)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in ("/api/v1/children/", "/api/v1/needs/{id}/transition/"):
        assert path in schema


@pytest.mark.django_db
def test_a_group_need_states_its_childrens_age_band_and_a_childs_need_does_not_ask(client, personas):
    client.force_login(personas.officer_a)
    form = {
        "commune": personas.commune_a.pk,
        "facility_name": "Điểm trường mầm non Nà Hin",
        "beneficiary_count": "30",
        "age_band": "3-5",
        "category": Category.NUTRITION,
        "meals_per_day": "1",
        "days": "150",
        "unit_cost": "15000",
        "priority": "2",
        "justification": "Trẻ mầm non ăn trưa tại điểm trường",
    }
    response = client.post(reverse("needs:need-create-group"), form)

    need = Need.objects.get()
    assert response.url == reverse("needs:need-detail", args=[need.pk])
    assert need.age_band == "3-5"
    assert "30 trẻ, 3–5 tuổi" in client.get(response.url).content.decode()
    child = ChildFactory(commune=personas.commune_a)
    child_form = client.get(reverse("needs:need-create", args=[child.pk])).content.decode()
    assert 'name="age_band"' not in child_form
