"""A pledge obeys the same date rules whichever door it comes in by: the pledge page, the API, the Excel import and
the service the other three call. Each door shows the refusal on the date at fault and saves nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from donors import services
from donors.models import Pledge, PledgeKind
from portal.bulk import RowsRefused
from portal.models import ImportRecord
from tests.donors.factories import DonorFactory
from tests.donors.test_pages import _empty_items
from tests.needs.excel_files import upload, workbook_bytes

pytestmark = pytest.mark.django_db

TAX_CODE = "4600123456"
LABELS = {"pledged_on": "Ngày cam kết", "receive_by": "Hạn chuyển/giao"}


def _cases():
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=7)
    return {
        "pledged tomorrow": (today + dt.timedelta(days=1), None, "pledged_on", "Ngày cam kết ở tương lai"),
        "to receive before the pledge": (
            week_ago,
            week_ago - dt.timedelta(days=1),
            "receive_by",
            "Hạn chuyển/giao trước ngày cam kết",
        ),
        "pledged today, to receive the same day": (today, today, None, None),
    }


# Each door records a cash pledge of 5.000.000 đ by staff and returns what it says about `field` ("" when nothing).


def _by_service(client, personas, donor, pledged_on, receive_by, field) -> str:
    pledge = Pledge(donor=donor, kind=PledgeKind.CASH, amount=5_000_000, pledged_on=pledged_on, receive_by=receive_by)
    try:
        services.pledge_create(pledge=pledge, actor=personas.staff)
    except ValidationError as error:
        return " ".join(error.message_dict.get(field, []))
    return ""


def _by_api(client, personas, donor, pledged_on, receive_by, field) -> str:
    api = APIClient()
    api.force_authenticate(personas.staff)
    payload = {"donor": donor.pk, "kind": "cash", "amount": 5_000_000, "pledged_on": pledged_on.isoformat()}
    if receive_by:
        payload["receive_by"] = receive_by.isoformat()
    response = api.post("/api/v1/pledges/", payload, format="json")
    if response.status_code == 201:
        return ""
    assert response.status_code == 400, response.content
    return " ".join(response.json().get(field, []))


def _by_page(client, personas, donor, pledged_on, receive_by, field) -> str:
    client.force_login(personas.staff)
    data = {"donor": donor.pk, "kind": "cash", "amount": "5000000", "pledged_on": pledged_on.isoformat()}
    data["receive_by"] = receive_by.isoformat() if receive_by else ""
    response = client.post(reverse("pledge-create"), {**data, **_empty_items()})
    if response.status_code == 302:
        return ""
    return " ".join(response.context["form"].errors.get(field, []))


def _by_import(client, personas, donor, pledged_on, receive_by, field) -> str:
    client.force_login(personas.staff)
    headers = ["Nhà tài trợ (mã số thuế hoặc tên) (*)", "Hình thức (*)", "Ngày cam kết (*)"]
    headers += ["Số tiền cam kết (đồng)", "Hạn chuyển/giao"]
    line = [TAX_CODE, "Tiền", pledged_on.strftime("%d/%m/%Y"), "5.000.000"]
    line.append(receive_by.strftime("%d/%m/%Y") if receive_by else "")
    data = workbook_bytes([line], headers=headers, sheet="CamKet")
    response = client.post(reverse("pledges-import"), {"file": upload(data)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    messages = [message for error in record.report["errors"] for message in error["messages"]]
    if not messages:
        confirmed = client.post(reverse("pledges-import-confirm", args=[record.token]))
        assert confirmed.status_code == 302
        return ""
    prefix = f"{LABELS.get(field, field)}: "
    return " ".join(message.removeprefix(prefix) for message in messages if message.startswith(prefix))


DOORS = {"service": _by_service, "api": _by_api, "page": _by_page, "import": _by_import}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", _cases())
def test_every_door_refuses_a_pledge_date_the_same_way(client, personas, door, case):
    pledged_on, receive_by, field, refusal = _cases()[case]
    donor = DonorFactory(province=personas.province, tax_code=TAX_CODE)

    said = DOORS[door](client, personas, donor, pledged_on, receive_by, field or "pledged_on")

    if refusal is None:
        assert said == ""
        pledge = Pledge.objects.get()
        assert (pledge.pledged_on, pledge.receive_by, pledge.amount) == (pledged_on, receive_by, 5_000_000)
        assert pledge.events.get().action == "create"
    else:
        assert refusal in said
        assert not Pledge.objects.exists()


def test_the_bulk_service_refuses_every_row_that_breaks_a_rule_and_saves_nothing(personas):
    donor = DonorFactory(province=personas.province)
    today = timezone.localdate()

    def cash(pledged_on, receive_by=None):
        pledge = Pledge(donor=donor, kind=PledgeKind.CASH, amount=1_000_000, pledged_on=pledged_on)
        pledge.receive_by = receive_by
        return (pledge, [])

    rows = [cash(today), cash(today + dt.timedelta(days=1)), cash(today, today - dt.timedelta(days=1))]
    with pytest.raises(RowsRefused) as refused:
        services.pledge_bulk_create(actor=personas.staff, rows=rows, reason="Nhập thử")

    assert sorted(refused.value.rows) == [1, 2]
    assert "Ngày cam kết ở tương lai" in " ".join(refused.value.rows[1].message_dict["pledged_on"])
    assert "Hạn chuyển/giao trước ngày cam kết" in " ".join(refused.value.rows[2].message_dict["receive_by"])
    assert not Pledge.objects.exists()


def test_the_bulk_service_records_only_for_provinces_the_actor_manages(personas):
    donor = DonorFactory(province=personas.province)
    row = (Pledge(donor=donor, kind=PledgeKind.CASH, amount=1_000_000, pledged_on=timezone.localdate()), [])
    with pytest.raises(PermissionDenied):
        services.pledge_bulk_create(actor=personas.staff_q, rows=[row], reason="Nhập thử")
    assert not Pledge.objects.exists()
