"""No duplicate support, duplicate children found before saving, and merges that keep history."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from needs import selectors, services
from needs.models import Category, Child, ChildConsent, ConsentGiver, ConsentPurpose, Need, NeedStatus
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory

WARM = {
    "category": Category.WARM_CLOTHING,
    "quantity": 1,
    "unit_cost": 350_000,
    "season": "W2026",
    "justification": "Nhà trên núi, rét đậm.",
}


@pytest.fixture
def child(personas):
    return ChildFactory(commune=personas.commune_a, full_name="Giàng Thị Mỷ", birth_date=dt.date(2017, 3, 14))


@pytest.mark.django_db
def test_it_refuses_a_second_need_of_the_same_kind_in_a_season(personas, child):
    first = services.need_create(user=personas.officer_a, commune=None, child=child, data=WARM)
    with pytest.raises(services.DuplicateNeedError) as refused:
        services.need_create(user=personas.officer_a, commune=None, child=child, data=WARM)
    assert refused.value.existing == first
    assert f"số {first.pk}" in refused.value.message
    # Another season or category is a different support.
    services.need_create(user=personas.officer_a, commune=None, child=child, data={**WARM, "season": "W2027"})


@pytest.mark.django_db
def test_a_cancelled_need_does_not_block_a_new_one(personas, child):
    NeedFactory(child=child, status=NeedStatus.CANCELLED)
    assert services.need_create(user=personas.officer_a, commune=None, child=child, data=WARM).pk


@pytest.mark.django_db
def test_the_database_still_refuses_a_duplicate_that_slips_past_the_check(child):
    NeedFactory(child=child)
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedFactory(child=child)


@pytest.mark.django_db
def test_only_department_staff_may_accept_a_duplicate_and_the_reason_is_kept(personas, child):
    services.need_create(user=personas.officer_a, commune=None, child=child, data=WARM)
    with pytest.raises(services.PermissionDenied):
        services.need_create(
            user=personas.officer_a, commune=None, child=child, data=WARM, duplicate_override_reason="Áo bị cháy"
        )
    second = services.need_create(
        user=personas.staff, commune=None, child=child, data=WARM, duplicate_override_reason="Nhà cháy, mất hết áo"
    )
    assert second.duplicate_override_reason == "Nhà cháy, mất hết áo"
    assert "Nhà cháy, mất hết áo" in second.events.get().reason


@pytest.mark.django_db
def test_the_page_refuses_a_duplicate_with_a_link_to_the_existing_need_and_keeps_the_input(client, personas, child):
    first = NeedFactory(child=child)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("needs:need-create", args=[child.pk]),
        {**WARM, "priority": 2, "justification": "Áo cũ đã rách hết"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("needs:need-detail", args=[first.pk]) in page
    assert "Áo cũ đã rách hết" in page
    assert Need.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_duplicate_with_a_link_to_the_existing_need(personas, child):
    first = NeedFactory(child=child)
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    response = api.post("/api/v1/needs/", {**WARM, "child": child.pk, "priority": 2})
    assert response.status_code == 400
    assert response.json()["existing"].endswith(f"/api/v1/needs/{first.pk}/")


@pytest.mark.django_db
def test_it_proposes_a_clothing_size_from_age_and_computes_meals(personas, child):
    need = services.need_create(
        user=personas.officer_a, commune=None, child=child, data={**WARM, "needed_by": dt.date(2026, 11, 1)}
    )
    assert need.clothing_size == "8-9"  # 9 years old in November 2026
    meals = services.need_create(
        user=personas.officer_a,
        commune=personas.commune_a,
        data={
            "category": Category.NUTRITION,
            "facility_name": "Điểm trường Nà Hin",
            "beneficiary_count": 30,
            "meals_per_day": 1,
            "days": 150,
            "unit_cost": 15_000,
            "justification": "Trẻ mầm non ăn trưa tại điểm trường",
            "needed_by": dt.date(2026, 10, 1),
        },
    )
    assert (meals.quantity, meals.season, meals.estimated_cost) == (4500, "SY2026", 67_500_000)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Giàng Thị Mỷ", "giang thi my", "GIÀNG THỊ MỶ", "  Giang  Thi My "])
def test_it_finds_the_same_child_whatever_the_case_and_diacritics(personas, child, typed):
    found = selectors.child_duplicates(
        user=personas.officer_a, full_name=typed, birth_date=child.birth_date, commune_id=personas.commune_a.pk
    )
    assert found == [(child, "same")]


@pytest.mark.django_db
def test_it_shows_near_matches_but_not_other_children(personas, child):
    close = ChildFactory(commune=personas.commune_a, full_name="Giàng Thị Mỷ", birth_date=dt.date(2017, 9, 1))
    respelt = ChildFactory(commune=personas.commune_a, full_name="Vàng Thị Mỷ", birth_date=child.birth_date)
    ChildFactory(commune=personas.commune_a, full_name="Sùng A Páo", birth_date=child.birth_date)
    ChildFactory(commune=personas.commune_b, full_name="Giàng Thị Mỷ", birth_date=child.birth_date)  # not in scope
    found = dict(
        selectors.child_duplicates(
            user=personas.officer_a,
            full_name="giang thi my",
            birth_date=child.birth_date,
            commune_id=personas.commune_a.pk,
        )
    )
    assert found == {child: "same", close: "close_birth", respelt: "same_given_name"}


@pytest.mark.django_db
def test_the_quick_flow_shows_possible_duplicates_before_saving(client, personas, child):
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:register"), _quick_form(personas, full_name="giang thi my"))
    assert response.status_code == 200
    assert child.code in response.content.decode()
    assert Child.objects.count() == 1
    confirmed = client.post(reverse("needs:register"), _quick_form(personas, full_name="giang thi my", confirm=True))
    assert confirmed.status_code == 302
    assert Child.objects.count() == 2


def _quick_form(personas, *, full_name, confirm=False):
    data = {
        "child-full_name": full_name,
        "child-sex": "F",
        "child-birth_date": "2017-03-14",
        "child-ethnic_group": Child.objects.first().ethnic_group_id,
        "child-commune": personas.commune_a.pk,
        "child-school_level": "primary",
        "child-guardian_name": "Giàng A Dính",
        "child-guardian_consents": "on",
        "need-category": Category.WARM_CLOTHING,
        "need-unit_cost": "350000",
        "need-priority": "3",
        "need-justification": "Rét đậm",
        "submit": "1",
    }
    if confirm:
        data["child-not_a_duplicate"] = "on"
    return data


@pytest.mark.django_db
def test_merging_moves_needs_and_consents_and_keeps_the_merged_record(personas, child):
    duplicate = ChildFactory(commune=personas.commune_a, full_name="Giang Thi My", birth_date=child.birth_date)
    need = NeedFactory(child=duplicate, category=Category.HEALTHCARE, care_type="check_up", season="Y2026")
    ChildConsent.objects.create(
        child=duplicate,
        given_by=ConsentGiver.GUARDIAN,
        giver_name="Giàng A Dính",
        purpose=ConsentPurpose.PROCESS_DATA,
        given_on=dt.date(2026, 9, 1),
    )
    services.child_merge(keep=child, merged=duplicate, user=personas.staff, reason="Đăng ký hai lần")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == child
    assert (duplicate.merged_by, duplicate.merge_reason) == (personas.staff, "Đăng ký hai lần")
    assert duplicate.merged_at is not None
    assert list(child.needs.all()) == [need]
    assert child.consents.count() == 1
    # History: the need's own history shows it belonged to the merged record.
    assert need.history.earliest().child_id == duplicate.pk
    assert "Đăng ký hai lần" in need.history.latest().history_change_reason
    # The merged record leaves the registry but its page still shows where it went.
    assert duplicate not in selectors.child_list(user=personas.officer_a)


@pytest.mark.django_db
def test_merging_refuses_two_needs_of_the_same_kind_in_a_season(personas, child):
    duplicate = ChildFactory(commune=personas.commune_a)
    NeedFactory(child=child)
    NeedFactory(child=duplicate)
    with pytest.raises(services.MergeError, match="hủy một nhu cầu"):
        services.child_merge(keep=child, merged=duplicate, user=personas.staff, reason="Trùng")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("staff", 302), ("officer_a", 403), ("officer_b", 404)])
def test_only_department_staff_merge_records(client, personas, child, persona, expected):
    duplicate = ChildFactory(commune=personas.commune_a)
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("needs:child-merge", args=[child.pk]), {"merge-other_code": duplicate.code, "merge-reason": "Trùng"}
    )
    assert response.status_code == expected
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id == child.pk) == (expected == 302)
