"""The sync endpoint (docs/offline.md): scope, replay, stale versions and conflicts, duplicates, evidence."""

import hashlib
import uuid

import pytest
from rest_framework.test import APIClient

from allocations.models import Delivery, DeliveryEvidence
from needs import services as need_services
from needs.models import Child, Need, NeedStatus
from needs.workflow import needs_bulk_transition
from offline.models import ConflictStatus, EvidenceUpload, SyncChange, SyncConflict
from portal.models import AccessLog, AccessView, ExportLog
from portal.reference_data import ethnic_groups_load
from tests.allocations.conftest import PNG, _media, funded, png_upload  # noqa: F401 - fixtures
from tests.factories import ChildFactory, VillageFactory
from tests.needs.factories import NeedFactory
from tests.threads import race

pytestmark = pytest.mark.django_db
SYNC, EVIDENCE = "/api/v1/offline/sync/", "/api/v1/offline/evidence/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _sync(user, *changes):
    response = _client(user).post(SYNC, {"changes": list(changes)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _child_change(commune, *, name="Lò Thị Mai", village=None, **more):
    fields = {"full_name": name, "sex": "F", "birth_date": "2016-03-02", "ethnic_group": "08"}
    if village is not None:
        fields["village"] = village.pk
    need = {
        "client_id": str(uuid.uuid4()),
        "fields": {"category": "warm_clothing", "unit_cost": "250.000", "justification": "Nhà trên núi cao"},
    }
    change = {"key": str(uuid.uuid4()), "type": "child.create", "client_id": str(uuid.uuid4()), "commune": commune.code}
    return {**change, "fields": fields, "needs": [need], **more}


def test_it_registers_a_child_and_a_draft_need_through_the_services(personas):
    village = VillageFactory(commune=personas.commune_a)
    (result,) = _sync(personas.officer_a, _child_change(personas.commune_a, village=village))
    assert result["status"] == "applied"
    child = Child.objects.get(pk=result["id"])
    assert result["code"] == child.code
    assert child.code.startswith(f"{personas.commune_a.code}-")
    assert (child.full_name, child.village, child.version) == ("Lò Thị Mai", village, 1)
    (need,) = result["needs"]
    saved = Need.objects.get(pk=need["id"])
    assert (saved.status, saved.unit_cost, saved.season, saved.clothing_size) == ("draft", 250_000, "W2026", "10-11")
    assert saved.events.get().action == "create"
    assert AccessLog.objects.filter(view=AccessView.SYNC, record_id=child.pk).exists()


def test_it_applies_a_change_once_when_it_is_sent_again(personas):
    change = _child_change(personas.commune_a)
    (first,) = _sync(personas.officer_a, change)
    (again,) = _sync(personas.officer_a, change)
    assert again == {**first, "replayed": True}
    assert Child.objects.count() == 1
    assert Need.objects.count() == 1


def test_a_batch_cut_halfway_resumes_without_duplicates(personas):
    changes = [_child_change(personas.commune_a, name=name) for name in ("Lò Thị Mai", "Vàng A Páo", "Sùng Thị Dợ")]
    _sync(personas.officer_a, *changes[:2])  # the link dropped after the second change
    results = _sync(personas.officer_a, *changes)
    assert [result.get("replayed", False) for result in results] == [True, True, False]
    assert Child.objects.count() == 3


def test_a_key_used_for_another_change_is_refused(personas):
    first = _child_change(personas.commune_a)
    _sync(personas.officer_a, first)
    (result,) = _sync(personas.officer_a, _child_change(personas.commune_a, key=first["key"], name="Vàng A Páo"))
    assert result["status"] == "rejected"
    assert "key" in result["errors"]
    assert Child.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_change_arriving_at_once_apply_once(personas):
    from django.db import close_old_connections

    ethnic_groups_load()  # reference rows: another transactional test's flush took them away
    change = _child_change(personas.commune_a)
    close_old_connections()
    results = race([lambda: _sync(personas.officer_a, change)[0] for _ in range(2)])
    assert sorted(result["status"] for result in results) == ["applied", "applied"]
    assert sorted(result.get("replayed", False) for result in results) == [False, True]
    assert Child.objects.count() == 1
    assert SyncChange.objects.count() == 1


def test_officer_a_cannot_sync_into_commune_b(personas):
    village_b = VillageFactory(commune=personas.commune_b)
    need_b = NeedFactory(child=ChildFactory(commune=personas.commune_b))
    results = _sync(
        personas.officer_a,
        _child_change(personas.commune_b),
        _child_change(personas.commune_a, village=village_b),
        {
            "key": str(uuid.uuid4()),
            "type": "need.update",
            "id": need_b.pk,
            "base_version": 1,
            "fields": {"quantity": 3},
        },
        {"key": str(uuid.uuid4()), "type": "need.create", "child": need_b.child_id, "fields": {"category": "play"}},
    )
    assert [result["status"] for result in results] == ["not_found"] * 4
    assert Child.objects.count() == 1
    assert Need.objects.get().quantity == 1
    assert SyncChange.objects.count() == 0  # nothing kept, not even the keys


@pytest.mark.parametrize("role", ["donor", "leader", "staff", "auditor"])
def test_only_commune_officers_sync_or_download_a_snapshot(personas, role):
    client = _client(getattr(personas, role))
    response = client.post(SYNC, {"changes": [_child_change(personas.commune_a)]}, format="json")
    assert response.status_code == 403
    assert client.get("/api/v1/offline/snapshot/").status_code == 403
    assert Child.objects.count() == 0


def test_a_refused_change_comes_back_with_messages_in_vietnamese(personas):
    change = _child_change(personas.commune_a)
    change["fields"]["birth_date"] = "2030-01-01"
    (result,) = _sync(personas.officer_a, change)
    assert result["status"] == "rejected"
    assert result["errors"]["birth_date"] == ["Ngày sinh ở tương lai."]
    assert Child.objects.count() == 0


def _stale_need(personas):
    """A draft the officer took offline at version 1, which the department then edited (version 2)."""
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a), description="Áo ấm")
    need_services.need_update(need=need, user=personas.staff, data={"description": "Áo ấm cỡ lớn"})
    need.refresh_from_db()
    assert need.version == 2
    return need


def test_a_change_to_a_stale_version_becomes_a_conflict_and_overwrites_nothing(personas):
    need = _stale_need(personas)
    change = {
        "key": str(uuid.uuid4()),
        "type": "need.update",
        "id": need.pk,
        "base_version": 1,
        "fields": {"description": "Áo ấm và mũ", "unit_cost": 400_000},
    }
    (result,) = _sync(personas.officer_a, change)
    assert result["status"] == "conflict"
    assert result["fields"] == {
        "description": {"mine": "Áo ấm và mũ", "server": "Áo ấm cỡ lớn"},
        "unit_cost": {"mine": 400_000, "server": 350_000},
    }
    need.refresh_from_db()
    assert (need.description, need.unit_cost, need.version) == ("Áo ấm cỡ lớn", 350_000, 2)
    listed = _client(personas.officer_a).get("/api/v1/offline/conflicts/").json()["results"]
    assert [(item["id"], item["status"]) for item in listed] == [(result["conflict"], "open")]
    assert _client(personas.officer_b).get("/api/v1/offline/conflicts/").json()["results"] == []
    (again,) = _sync(personas.officer_a, change)
    assert again["conflict"] == result["conflict"]
    assert SyncConflict.objects.count() == 1


def test_the_officer_resolves_a_conflict_field_by_field(personas):
    need = _stale_need(personas)
    change = {"key": str(uuid.uuid4()), "type": "need.update", "id": need.pk, "base_version": 1}
    change["fields"] = {"description": "Áo ấm và mũ", "unit_cost": 400_000}
    (result,) = _sync(personas.officer_a, change)
    url = f"/api/v1/offline/conflicts/{result['conflict']}/resolve/"
    assert _client(personas.officer_b).post(url, {}, format="json").status_code == 404
    incomplete = _client(personas.officer_a).post(url, {"fields": {"unit_cost": "mine"}}, format="json")
    assert incomplete.status_code == 400
    response = _client(personas.officer_a).post(
        url, {"fields": {"unit_cost": "mine", "description": "server"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    need.refresh_from_db()
    assert (need.description, need.unit_cost, need.version) == ("Áo ấm cỡ lớn", 400_000, 3)
    assert SyncConflict.objects.get().status == ConflictStatus.RESOLVED


def test_the_conflict_page_resolves_without_javascript(personas, client):
    need = _stale_need(personas)
    change = {"key": str(uuid.uuid4()), "type": "need.update", "id": need.pk, "base_version": 1}
    (result,) = _sync(personas.officer_a, {**change, "fields": {"unit_cost": "400.000"}})
    client.force_login(personas.officer_a)
    page = client.get(result["url"])
    assert "400.000\xa0đ" in page.content.decode()
    assert "350.000\xa0đ" in page.content.decode()
    response = client.post(result["url"], {"keep": "server"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.unit_cost, need.version) == (350_000, 2)


def test_an_offline_child_who_may_be_registered_already_comes_back_for_a_decision(personas):
    existing = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai", birth_date="2016-03-02")
    change = _child_change(personas.commune_a, name="LÒ THỊ MAI")
    later = {
        "key": str(uuid.uuid4()),
        "type": "need.create",
        "child_client_id": change["client_id"],
        "fields": {"category": "education", "unit_cost": 300_000, "justification": "Thiếu sách vở"},
    }
    decision, waiting = _sync(personas.officer_a, change, later)
    assert decision["status"] == "decision"
    assert [(c["code"], c["why"]) for c in decision["candidates"]] == [(existing.code, "same")]
    assert waiting["status"] == "pending"
    assert waiting["waiting_for"] == change["client_id"]
    assert Child.objects.count() == 1
    assert Need.objects.count() == 0
    url = f"/api/v1/offline/conflicts/{decision['conflict']}/resolve/"
    response = _client(personas.officer_a).post(url, {"decision": "existing", "child": existing.pk}, format="json")
    assert response.status_code == 200, response.content
    assert Child.objects.count() == 1
    assert list(existing.needs.values_list("category", "status")) == [("warm_clothing", "draft")]
    (applied,) = _sync(personas.officer_a, later)
    assert applied["status"] == "applied"
    assert existing.needs.count() == 2


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_evidence_with_a_wrong_checksum_is_refused_and_the_delivery_waits_for_it(personas, funded):  # noqa: F811
    upload_id = str(uuid.uuid4())
    client = _client(personas.officer_a)
    cut = client.post(EVIDENCE, {"id": upload_id, "sha256": _sha(PNG[:-5]), "file": png_upload()}, format="multipart")
    assert cut.status_code == 400
    assert "không khớp" in cut.json()["sha256"][0]
    assert EvidenceUpload.objects.count() == 0
    girl = funded["girl"]
    delivery = {
        "key": str(uuid.uuid4()),
        "type": "delivery.record",
        "client_id": str(uuid.uuid4()),
        "need": girl.pk,
        "fields": {"delivered_on": "2026-11-20", "quantity": 2, "children_reached": 1, "handed_over_by": "Cô Hà"},
        "evidence": [{"id": upload_id, "shows_children": True}],
    }
    (waiting,) = _sync(personas.officer_a, delivery)
    assert waiting["status"] == "pending"
    assert waiting["missing_evidence"] == [upload_id]
    assert Delivery.objects.count() == 0
    whole = {"id": upload_id, "sha256": _sha(PNG), "file": png_upload()}
    assert client.post(EVIDENCE, whole, format="multipart").status_code == 201
    assert client.post(EVIDENCE, {**whole, "file": png_upload()}, format="multipart").status_code == 200
    assert client.get(f"{EVIDENCE}{upload_id}/").status_code == 200
    assert _client(personas.officer_b).get(f"{EVIDENCE}{upload_id}/").status_code == 404
    (applied,) = _sync(personas.officer_a, delivery)
    assert applied["status"] == "applied"
    assert applied["record_status"] == NeedStatus.DELIVERED
    assert DeliveryEvidence.objects.get().delivery_id == applied["id"]


def test_every_change_raises_the_version_also_the_workflows_bulk_moves(personas):
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a))
    child = need.child
    need_services.child_update(child=child, user=personas.officer_a, data={"school_name": "Trường Nà Hin"})
    _moved, _refused = needs_bulk_transition(ids=[need.pk], action="submit", user=personas.officer_a)
    child.refresh_from_db()
    need.refresh_from_db()
    assert (child.version, need.version, need.status) == (2, 2, NeedStatus.SUBMITTED)
    (result,) = _sync(
        personas.officer_a,
        {"key": str(uuid.uuid4()), "type": "need.transition", "id": need.pk, "base_version": 1, "action": "withdraw"},
    )
    assert result["status"] == "conflict"
    assert result["fields"] == {"status": {"mine": "cancelled", "server": "submitted"}}


def test_the_snapshot_holds_only_the_officers_communes_and_is_logged(personas):
    mine = NeedFactory(child=ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai"))
    old_commune = ChildFactory(commune=personas.commune_a0, full_name="Vàng A Páo")
    NeedFactory(child=ChildFactory(commune=personas.commune_b, full_name="Sùng Thị Dợ"))
    response = _client(personas.officer_a).get("/api/v1/offline/snapshot/")
    assert response.status_code == 200
    snapshot = response.json()
    names = [row[snapshot["children"]["fields"].index("full_name")] for row in snapshot["children"]["rows"]]
    assert sorted(names) == ["Lò Thị Mai", "Vàng A Páo"]
    assert [row[0] for row in snapshot["needs"]["rows"]] == [mine.pk]
    assert [commune["code"] for commune in snapshot["communes"]] == [personas.commune_a.code]
    assert old_commune.code in response.content.decode()
    export = ExportLog.objects.get(what="offline_snapshot")
    assert (export.user, export.row_count) == (personas.officer_a, 2)


def test_a_printed_distribution_list_is_recorded_from_the_device_with_its_signed_scan(personas, funded):  # noqa: F811
    from allocations.models import DistributionStatus
    from tests.allocations.test_distributions import _printed

    distribution = _printed(personas, funded)
    scan_id = str(uuid.uuid4())
    upload = {"id": scan_id, "sha256": _sha(PNG), "file": png_upload("ky-nhan.png")}
    assert _client(personas.officer_a).post(EVIDENCE, upload, format="multipart").status_code == 201
    lines = [
        {"id": line.pk, "handed_over": True, "quantity": line.planned_quantity} for line in distribution.lines.all()
    ]
    change = {"key": str(uuid.uuid4()), "type": "distribution.record", "id": distribution.pk, "scan": scan_id}
    change.update(handed_over_by="Cô Hà", lines=lines, base_version=1)  # read while a draft, recorded once printed
    first = lines[0]["id"]
    other_phone = [{"id": first, "handed_over": False, "reason": "Gia đình đi nương"}, *lines[1:]]
    stale = {**change, "key": str(uuid.uuid4()), "lines": other_phone}  # read the same printed list
    (outsider,) = _sync(personas.officer_b, change)
    assert outsider["status"] == "not_found"
    (result,) = _sync(personas.officer_a, change)
    assert result["status"] == "applied"
    assert result["record_status"] == DistributionStatus.RECORDED
    assert Delivery.objects.count() == 2
    (late,) = _sync(personas.officer_a, stale)
    assert late["status"] == "conflict"
    assert late["fields"] == {
        f"lines.{first}": {
            "mine": {"handed_over": False, "quantity": None, "reason": "Gia đình đi nương"},
            "server": {"handed_over": True, "quantity": lines[0]["quantity"], "reason": ""},
        }
    }
    assert Delivery.objects.count() == 2


def test_anonymising_a_child_clears_what_its_conflicts_hold(personas):
    from needs.erasure import child_anonymise

    child = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai")
    need_services.child_update(child=child, user=personas.staff, data={"school_name": "Trường Nà Hin"})
    change = {"key": str(uuid.uuid4()), "type": "child.update", "id": child.pk, "base_version": 1}
    (result,) = _sync(personas.officer_a, {**change, "fields": {"full_name": "Lò Thị Mai Anh"}})
    assert result["status"] == "conflict"
    child_anonymise(child=Child.objects.get(pk=child.pk), user=personas.staff, reason="Gia đình yêu cầu")
    conflict = SyncConflict.objects.get()
    assert (conflict.fields, conflict.change, conflict.status) == ({}, {}, ConflictStatus.RESOLVED)
    (again,) = _sync(personas.officer_a, {**change, "fields": {"full_name": "Lò Thị Mai Anh"}})
    assert "Mai Anh" not in str(again)


def test_a_need_for_a_child_the_officer_discarded_is_refused(personas):
    ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai", birth_date="2016-03-02")
    change = _child_change(personas.commune_a)
    later = {"key": str(uuid.uuid4()), "type": "need.create", "child_client_id": change["client_id"], "fields": {}}
    (decision,) = _sync(personas.officer_a, change)
    url = f"/api/v1/offline/conflicts/{decision['conflict']}/resolve/"
    assert _client(personas.officer_a).post(url, {"decision": "discard"}, format="json").status_code == 200
    (refused,) = _sync(personas.officer_a, later)
    assert refused["status"] == "rejected"
    assert list(refused["errors"]) == ["child_client_id"]
    assert Child.objects.count() == 1


def test_a_malformed_batch_is_refused_whole_with_what_is_wrong(personas):
    client = _client(personas.officer_a)
    no_key = client.post(SYNC, {"changes": [{"type": "child.create"}]}, format="json")
    assert no_key.status_code == 400
    assert "key" in no_key.json()["changes"]["0"]
    too_many = client.post(SYNC, {"changes": [_child_change(personas.commune_a) for _ in range(51)]}, format="json")
    assert too_many.status_code == 400
    assert client.get(f"/api/v1/offline/snapshot/?commune={personas.commune_b.code}").status_code == 404
    assert Child.objects.count() == 0


def test_uploads_no_change_used_are_deleted_after_30_days(personas):
    import datetime as dt

    from django.utils import timezone

    from offline.services import evidence_uploads_purge

    upload = {"id": str(uuid.uuid4()), "sha256": _sha(PNG), "file": png_upload()}
    assert _client(personas.officer_a).post(EVIDENCE, upload, format="multipart").status_code == 201
    assert evidence_uploads_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert evidence_uploads_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert EvidenceUpload.objects.count() == 0


def test_the_decision_page_shows_the_possible_duplicate_and_registers_a_different_child(personas, client):
    existing = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai", birth_date="2016-03-02")
    (decision,) = _sync(personas.officer_a, _child_change(personas.commune_a))
    client.force_login(personas.officer_a)
    page = client.get(decision["url"]).content.decode()
    assert existing.code in page
    assert "02/03/2016" in page
    assert client.post(decision["url"], {"decision": "create"}).status_code == 302
    assert Child.objects.filter(full_name="Lò Thị Mai").count() == 2
    assert Need.objects.filter(child__in=Child.objects.exclude(pk=existing.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_phones_editing_the_same_version_at_once_give_one_change_and_one_conflict(personas):
    from django.db import close_old_connections

    ethnic_groups_load()  # reference rows: another transactional test's flush took them away
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a))
    changes = [
        {"key": str(uuid.uuid4()), "type": "need.update", "id": need.pk, "base_version": 1, "fields": {"quantity": n}}
        for n in (2, 3)
    ]
    close_old_connections()
    results = race([lambda change=change: _sync(personas.officer_a, change)[0] for change in changes])
    assert sorted(result["status"] for result in results) == ["applied", "conflict"]
    need.refresh_from_db()
    applied = next(result for result in results if result["status"] == "applied")
    assert (need.version, need.quantity) == (2, changes[results.index(applied)]["fields"]["quantity"])
