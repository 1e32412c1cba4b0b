"""Who may move a need from which status: the guard table seen from outside, by every persona."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from needs.models import NeedEvent, NeedStatus
from needs.workflow import GUARDS, TransitionError, need_set_funding_status, need_transition
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory

S = NeedStatus
ALL = ["officer_a", "officer_b", "staff", "leader", "auditor", "donor", "staff_q"]
# action, from-status → the personas allowed (the need is in commune A of province P)
ALLOWED = {
    ("submit", S.DRAFT): {"officer_a", "staff"},
    ("submit", S.RETURNED): {"officer_a", "staff"},
    ("verify", S.SUBMITTED): {"staff"},
    ("return", S.SUBMITTED): {"staff"},
    ("open", S.VERIFIED): {"staff"},
    ("withdraw", S.DRAFT): {"officer_a"},
    ("cancel", S.OPEN): {"staff"},
    ("fund_partly", S.OPEN): {"staff"},
    ("fund", S.PARTLY_FUNDED): {"staff"},
    ("deliver", S.FUNDED): {"officer_a"},
    ("close", S.DELIVERED): {"staff"},
}


def _need(personas, status):
    return NeedFactory(child=ChildFactory(commune=personas.commune_a), status=status)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(("action", "source"), list(ALLOWED))
def test_it_lets_only_the_right_roles_take_each_step(personas, persona, action, source):
    need = _need(personas, source)
    user = getattr(personas, persona)
    if persona in ALLOWED[(action, source)]:
        need_transition(need=need, action=action, user=user, reason="Đủ hồ sơ")
        need.refresh_from_db()
        assert need.status == GUARDS[action].target
        event = need.events.get()
        assert (event.actor, event.from_status, event.to_status) == (user, source, GUARDS[action].target)
    else:
        with pytest.raises(TransitionError, match="không có quyền"):
            need_transition(need=need, action=action, user=user, reason="Đủ hồ sơ")
        need.refresh_from_db()
        assert need.status == source
        assert not need.events.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "source"),
    [("verify", S.DRAFT), ("submit", S.VERIFIED), ("open", S.SUBMITTED), ("deliver", S.OPEN), ("cancel", S.FUNDED)],
)
def test_it_refuses_a_step_from_the_wrong_status_with_a_clear_message(personas, action, source):
    need = _need(personas, source)
    user = personas.officer_a if action in ("submit", "deliver") else personas.staff
    with pytest.raises(TransitionError, match="Không thể") as refused:
        need_transition(need=need, action=action, user=user)
    assert str(need.get_status_display()) in refused.value.message
    need.refresh_from_db()
    assert need.status == source


@pytest.mark.django_db
def test_it_requires_a_reason_to_return_a_need(personas):
    need = _need(personas, S.SUBMITTED)
    with pytest.raises(TransitionError, match="lý do"):
        need_transition(need=need, action="return", user=personas.staff, reason="  ")
    need_transition(need=need, action="return", user=personas.staff, reason="Thiếu ảnh hiện trạng")
    assert need.events.get().reason == "Thiếu ảnh hiện trạng"


@pytest.mark.django_db
def test_a_returned_need_is_fixed_and_resubmitted_with_every_step_recorded(personas):
    need = _need(personas, S.DRAFT)
    need_transition(need=need, action="submit", user=personas.officer_a)
    need_transition(need=need, action="return", user=personas.staff, reason="Ghi rõ cỡ áo")
    need_transition(need=need, action="submit", user=personas.officer_a)
    need_transition(need=need, action="verify", user=personas.staff)
    steps = list(NeedEvent.objects.filter(need=need).values_list("to_status", flat=True))
    assert steps == [S.SUBMITTED, S.RETURNED, S.SUBMITTED, S.VERIFIED]


@pytest.mark.django_db
def test_allocations_set_the_funding_status_and_repeating_it_changes_nothing(personas):
    need = _need(personas, S.OPEN)
    need_set_funding_status(need=need, status=S.PARTLY_FUNDED, user=personas.staff)
    need_set_funding_status(need=need, status=S.FUNDED, user=personas.staff)
    need_set_funding_status(need=need, status=S.FUNDED, user=personas.staff)
    assert list(need.events.values_list("action", flat=True)) == ["fund_partly", "fund"]
    with pytest.raises(TransitionError):
        need_set_funding_status(need=need, status=S.DELIVERED, user=personas.staff)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("staff", 302), ("officer_a", 403), ("leader", 403), ("auditor", 403), ("officer_b", 404), ("staff_q", 404)],
)
def test_the_page_refuses_outsiders_and_read_only_roles(client, personas, persona, expected):
    need = _need(personas, S.SUBMITTED)
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("needs:need-transition", args=[need.pk]), {"action": "verify"})
    assert response.status_code == expected
    need.refresh_from_db()
    assert need.status == (S.VERIFIED if expected == 302 else S.SUBMITTED)


@pytest.mark.django_db
def test_the_page_explains_an_illegal_step(client, personas):
    need = _need(personas, S.DRAFT)
    client.force_login(personas.staff)
    response = client.post(reverse("needs:need-transition", args=[need.pk]), {"action": "verify"}, follow=True)
    assert "Không thể “Xác nhận thẩm định” nhu cầu đang ở trạng thái “Nháp”" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("staff", 200), ("officer_a", 403), ("leader", 403), ("donor", 404), ("officer_b", 404), ("staff_q", 404)],
)
def test_the_api_transition_is_scoped_like_the_page(personas, persona, expected):
    need = _need(personas, S.SUBMITTED)
    api = APIClient()
    api.force_authenticate(getattr(personas, persona))
    response = api.post(f"/api/v1/needs/{need.pk}/transition/", {"action": "return", "reason": "Thiếu ảnh"})
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == S.RETURNED
        assert response.json()["events"][-1]["reason"] == "Thiếu ảnh"


@pytest.mark.django_db
def test_the_api_explains_an_illegal_step(personas):
    need = _need(personas, S.DRAFT)
    api = APIClient()
    api.force_authenticate(personas.staff)
    response = api.post(f"/api/v1/needs/{need.pk}/transition/", {"action": "open"})
    assert response.status_code == 400
    assert "Không thể" in response.json()["detail"]


@pytest.mark.django_db
def test_the_need_page_shows_who_moved_it_when_and_why(client, personas):
    need = _need(personas, S.SUBMITTED)
    need_transition(need=need, action="return", user=personas.staff, reason="Thiếu giấy xác nhận hộ nghèo")
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:need-detail", args=[need.pk])).content.decode()
    assert personas.staff.full_name in page
    assert "Thiếu giấy xác nhận hộ nghèo" in page
    assert "Trả lại để sửa" in page
