"""The commune officer's bulk actions: tick drafts (or take every draft of one Excel import) and send them for
verification, or withdraw them, in one step through the workflow's guard table."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from needs.models import Need, NeedEvent, NeedStatus
from needs.workflow import need_transition, needs_bulk_transition
from portal.models import ImportRecord
from tests.factories import ChildFactory
from tests.needs.excel_files import row, upload, workbook_bytes
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


def drafts(commune, count):
    return [NeedFactory(child=ChildFactory(commune=commune)) for _ in range(count)]


def statuses(needs) -> list[str]:
    return [Need.objects.get(pk=need.pk).status for need in needs]


def said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_it_sends_the_ticked_drafts_for_verification_in_one_step(client, personas):
    needs = drafts(personas.commune_a, 3)
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:need-list")).content.decode()
    assert all(f'name="needs" value="{need.pk}"' in page for need in needs)

    response = client.post(reverse("needs:need-list"), {"needs": [n.pk for n in needs[:2]], "action": "submit"})

    assert response.status_code == 302
    assert statuses(needs) == [NeedStatus.SUBMITTED, NeedStatus.SUBMITTED, NeedStatus.DRAFT]
    events = NeedEvent.objects.filter(need__in=needs[:2], action="submit")
    assert events.count() == 2
    assert {event.actor_id for event in events} == {personas.officer_a.pk}
    assert {h.history_change_reason for n in needs[:2] for h in Need.objects.get(pk=n.pk).history.all()[:1]} == {
        "Gửi thẩm định"
    }
    assert "Gửi thẩm định: 2 nhu cầu" in said(response)


def test_it_moves_what_it_can_and_names_each_need_it_could_not_move_and_why(client, personas):
    needs = drafts(personas.commune_a, 3)
    need_transition(need=needs[1], action="submit", user=personas.officer_a)  # a colleague sent it meanwhile
    client.force_login(personas.officer_a)

    response = client.post(reverse("needs:need-list"), {"needs": [n.pk for n in needs], "action": "submit"})

    assert statuses(needs) == [NeedStatus.SUBMITTED] * 3
    assert NeedEvent.objects.filter(need=needs[1], action="submit").count() == 1  # not sent twice
    messages = said(response)
    assert "Gửi thẩm định: 2 nhu cầu" in messages
    assert f"#{needs[1].pk}: Không thể “Gửi thẩm định” nhu cầu đang ở trạng thái “Đã gửi”" in messages


def test_withdrawing_in_bulk_asks_for_a_reason_and_keeps_the_ticks(client, personas):
    needs = drafts(personas.commune_a, 2)
    client.force_login(personas.officer_a)
    ids = [n.pk for n in needs]

    refused = client.post(reverse("needs:need-list"), {"needs": ids, "action": "withdraw", "reason": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Cần ghi lý do" in html
    assert all(f'value="{pk}" id="pick-{pk}" checked' in html for pk in ids)
    assert statuses(needs) == [NeedStatus.DRAFT] * 2

    client.post(reverse("needs:need-list"), {"needs": ids, "action": "withdraw", "reason": "Gia đình đã chuyển đi"})
    assert statuses(needs) == [NeedStatus.CANCELLED] * 2
    assert set(NeedEvent.objects.filter(need__in=needs).values_list("reason", flat=True)) == {"Gia đình đã chuyển đi"}


def test_nothing_ticked_is_a_clear_message(client, personas):
    drafts(personas.commune_a, 1)
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:need-list"), {"action": "submit"})
    assert "Chưa chọn nhu cầu nào" in response.content.decode()


def test_an_officer_cannot_move_another_communes_needs(client, personas):
    theirs = drafts(personas.commune_a, 1)
    client.force_login(personas.officer_b)
    response = client.post(reverse("needs:need-list"), {"needs": [theirs[0].pk], "action": "submit"})
    assert response.status_code == 200  # refused like any number not on the page
    assert statuses(theirs) == [NeedStatus.DRAFT]
    assert f'value="{theirs[0].pk}"' not in response.content.decode()


def test_the_service_checks_scope_need_by_need(personas):
    mine, theirs = drafts(personas.commune_a, 1)[0], drafts(personas.commune_b, 1)[0]
    moved, refused = needs_bulk_transition(ids=[mine.pk, theirs.pk], action="submit", user=personas.officer_a)
    assert moved == [mine.pk]
    assert "không có quyền" in refused[theirs.pk]
    assert statuses([mine, theirs]) == [NeedStatus.SUBMITTED, NeedStatus.DRAFT]


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_read_only_roles_see_no_boxes_and_may_not_post(client, personas, persona):
    drafts(personas.commune_a, 1)
    client.force_login(getattr(personas, persona))
    assert 'name="needs"' not in client.get(reverse("needs:need-list")).content.decode()
    assert client.post(reverse("needs:need-list"), {"action": "submit"}).status_code == 403


def test_only_needs_the_officer_may_still_move_get_a_box(client, personas):
    draft, verified = drafts(personas.commune_a, 2)
    Need.objects.filter(pk=verified.pk).update(status=NeedStatus.VERIFIED)
    client.force_login(personas.officer_a)
    html = client.get(reverse("needs:need-list")).content.decode()
    assert f'value="{draft.pk}"' in html
    assert f'value="{verified.pk}"' not in html


def test_returned_needs_are_sent_again_together_from_the_to_fix_list(client, personas):
    needs = drafts(personas.commune_a, 2)
    for need in needs:
        need_transition(need=need, action="submit", user=personas.officer_a)
        need_transition(need=need, action="return", user=personas.staff, reason="Thiếu ảnh")
    client.force_login(personas.officer_a)
    assert all(f'value="{n.pk}"' in client.get(reverse("needs:to-fix")).content.decode() for n in needs)
    client.post(reverse("needs:to-fix"), {"needs": [n.pk for n in needs], "action": "submit"})
    assert statuses(needs) == [NeedStatus.SUBMITTED] * 2


def test_every_draft_of_an_import_is_sent_in_one_step_after_saving_it(client, personas):
    client.force_login(personas.officer_a)
    other = drafts(personas.commune_a, 1)[0]
    rows = [row(name=f"Hầu Thị Mai {n}", birth=f"0{n + 1}/03/2018") for n in range(3)]
    client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows))})
    record = ImportRecord.objects.get()
    saved = client.post(reverse("needs-import-confirm", args=[record.token]))
    listed = client.get(saved["Location"])
    html = listed.content.decode()
    imported = list(Need.objects.filter(import_record=record))
    assert len(imported) == 3
    assert "danh-sach.xlsx" in html
    assert f"#{other.pk}<" not in html  # only this import's needs
    assert "Gửi thẩm định cả 3 nhu cầu nháp" in html

    client.post(saved["Location"], {"whole_import": record.pk, "action": "submit"})

    assert statuses(imported) == [NeedStatus.SUBMITTED] * 3
    assert statuses([other]) == [NeedStatus.DRAFT]


def test_the_queue_uses_the_same_bulk_step_and_reports_refusals(client, personas):
    needs = drafts(personas.commune_a, 2)
    for need in needs:
        need_transition(need=need, action="submit", user=personas.officer_a)
    need_transition(need=needs[0], action="withdraw", user=personas.officer_a, reason="Trùng")
    client.force_login(personas.staff)
    response = client.post(reverse("needs:queue"), {"needs": [needs[1].pk], "action": "verify"})
    assert statuses(needs) == [NeedStatus.CANCELLED, NeedStatus.VERIFIED]
    assert "1 nhu cầu" in said(response)
