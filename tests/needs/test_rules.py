"""A child's record obeys the same rules whichever door it comes in by: the registration page, the API, the Excel
import and the service the other three call. Each door shows the refusal on the birth date and saves nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from needs import services
from needs.models import Category, Child, Need
from portal.bulk import RowsRefused
from portal.models import EthnicGroup, ImportRecord, RoleAssignment
from portal.permissions import Role
from tests.factories import ChildFactory, VillageFactory
from tests.needs.excel_files import row, upload, workbook_bytes
from tests.needs.test_views import _quick

pytestmark = pytest.mark.django_db


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth_dates():
    today = timezone.localdate()
    eighteen = _years_before(today, 18)
    return {
        "turned 18 today": (eighteen, "Đã đủ 18 tuổi"),
        "turned 18 five days ago": (eighteen - dt.timedelta(days=5), "Đã đủ 18 tuổi"),
        "19 years old": (_years_before(today, 19), "Đã đủ 18 tuổi"),
        "born tomorrow": (today + dt.timedelta(days=1), "Ngày sinh ở tương lai"),
        "turns 18 tomorrow": (eighteen + dt.timedelta(days=1), None),
    }


# Each door registers one child born on `birth` and returns what it says about the birth date ("" when nothing).


def _by_service(client, personas, birth) -> str:
    data = {
        "full_name": "Lý Thị Mẩy",
        "sex": "F",
        "birth_date": birth,
        "ethnic_group": EthnicGroup.objects.get(code="08"),
    }
    try:
        services.child_create(user=personas.officer_a, commune=personas.commune_a, data=data)
    except ValidationError as error:
        return " ".join(error.message_dict.get("birth_date", []))
    return ""


def _by_api(client, personas, birth) -> str:
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    payload = {
        "full_name": "Lý Thị Mẩy",
        "sex": "F",
        "birth_date": birth.isoformat(),
        "ethnic_group": "08",
        "commune": personas.commune_a.code,
    }
    response = api.post("/api/v1/children/", payload, format="json")
    if response.status_code == 201:
        return ""
    assert response.status_code == 400, response.content
    return " ".join(response.json().get("birth_date", []))


def _by_page(client, personas, birth) -> str:
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:register"), _quick(personas, **{"child-birth_date": birth.isoformat()}))
    if response.status_code == 302:
        return ""
    return " ".join(response.context["child_form"].errors.get("birth_date", []))


def _by_import(client, personas, birth) -> str:
    client.force_login(personas.officer_a)
    data = workbook_bytes([row(birth=birth.strftime("%d/%m/%Y"))])
    response = client.post(reverse("needs-import"), {"file": upload(data)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    messages = [message for error in record.report["errors"] for message in error["messages"]]
    if not messages:
        confirmed = client.post(reverse("needs-import-confirm", args=[record.token]))
        assert confirmed.status_code == 302
        return ""
    return " ".join(message.removeprefix("Ngày sinh: ") for message in messages if message.startswith("Ngày sinh:"))


DOORS = {"service": _by_service, "api": _by_api, "page": _by_page, "import": _by_import}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", _birth_dates())
def test_every_door_refuses_a_birth_date_the_same_way(client, personas, door, case):
    birth, refusal = _birth_dates()[case]

    said = DOORS[door](client, personas, birth)

    if refusal is None:
        assert said == ""
        assert Child.objects.get().birth_date == birth
    else:
        assert refusal in said
        assert not Child.objects.exists()


def test_an_existing_record_of_a_child_who_has_since_turned_18_can_still_be_corrected(personas):
    """The age rule is about registering: a record kept while the child grew up stays editable."""
    today = timezone.localdate()
    data = {
        "full_name": "Lý Thị Mẩy",
        "sex": "F",
        "birth_date": _years_before(today, 17),
        "ethnic_group": EthnicGroup.objects.get(code="08"),
    }
    child = services.child_create(user=personas.officer_a, commune=personas.commune_a, data=data)
    Child.objects.filter(pk=child.pk).update(birth_date=_years_before(today, 19))
    child.refresh_from_db()

    services.child_update(child=child, user=personas.officer_a, data={"guardian_phone": "0912345678"})

    child.refresh_from_db()
    assert child.guardian_phone == "0912345678"
    with pytest.raises(ValidationError) as refused:
        services.child_update(child=child, user=personas.officer_a, data={"birth_date": _years_before(today, 20)})
    assert "birth_date" in refused.value.message_dict


def test_an_imported_need_gets_what_the_one_by_one_service_gives_it(client, personas):
    """Season, clothing size by age, a record code of the commune, history and a workflow event: the import's bulk
    service and need_create agree on all of them."""
    born = dt.date(2017, 3, 14)
    assert _by_import(client, personas, born) == ""
    imported = Child.objects.get().needs.get()
    by_hand = services.need_create(
        user=personas.officer_a,
        commune=None,
        child=services.child_create(
            user=personas.officer_a,
            commune=personas.commune_a,
            data={
                "full_name": "Sùng A Páo",
                "sex": "M",
                "birth_date": born,
                "ethnic_group": imported.child.ethnic_group,
            },
        ),
        data={"category": imported.category, "unit_cost": imported.unit_cost, "justification": "Rét đậm"},
    )

    for need in (imported, by_hand):
        need.refresh_from_db()
        assert (need.status, need.season, need.clothing_size) == ("draft", by_hand.season, by_hand.clothing_size)
        assert need.clothing_size  # proposed from the child's age, for imported needs too
        assert need.child.code.startswith(f"{personas.commune_a.code}-")
        assert need.child.history.filter(history_type="+").exists()
        assert need.history.filter(history_type="+").exists()
        assert need.events.get().to_status == "draft"


def test_the_bulk_service_refuses_every_row_that_breaks_a_rule_and_saves_nothing(personas):
    today = timezone.localdate()
    group = EthnicGroup.objects.get(code="08")

    def need_of(birth):
        child = Child(full_name="Lý Thị Mẩy", sex="F", birth_date=birth, ethnic_group=group, commune=personas.commune_a)
        return Need(
            child=child, commune=personas.commune_a, category=Category.WARM_CLOTHING, quantity=1, unit_cost=1,
            season="W2026", justification="Rét",
        )  # fmt: skip

    needs = [need_of(dt.date(2018, 1, 1)), need_of(_years_before(today, 19)), need_of(today + dt.timedelta(days=1))]
    with pytest.raises(RowsRefused) as refused:
        services.child_need_bulk_create(user=personas.officer_a, needs=needs, reason="Nhập thử")

    assert sorted(refused.value.rows) == [1, 2]
    assert "Đã đủ 18 tuổi" in " ".join(refused.value.rows[1].message_dict["birth_date"])
    assert "Ngày sinh ở tương lai" in " ".join(refused.value.rows[2].message_dict["birth_date"])
    assert not Child.objects.exists()


def test_the_bulk_service_registers_only_in_communes_the_user_may_register_in(personas):
    group = EthnicGroup.objects.get(code="08")
    child = Child(full_name="Lý Thị Mẩy", sex="F", birth_date=dt.date(2018, 1, 1), ethnic_group=group)
    child.commune = personas.commune_a
    need = Need(child=child, category=Category.PLAY, quantity=1, unit_cost=1, season="Y2026", justification="Chơi")
    with pytest.raises(PermissionDenied):
        services.child_need_bulk_create(user=personas.officer_b, needs=[need], reason="Nhập thử")
    assert not Child.objects.exists()


# A need's season must be of the kind its category is planned by, or the no-duplicate rule (same child, category
# and season) could be escaped: a second warm coat for the same winter filed under the calendar year.


def _need_by_service(client, personas, child, season) -> str:
    data = {"category": Category.WARM_CLOTHING, "unit_cost": 350_000, "season": season, "justification": "Rét"}
    try:
        services.need_create(user=personas.officer_a, commune=None, child=child, data=data)
    except ValidationError as error:
        return " ".join(error.message_dict.get("season", []))
    return ""


def _need_by_api(client, personas, child, season) -> str:
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    payload = {"child": child.pk, "category": "warm_clothing", "unit_cost": 350_000, "season": season}
    response = api.post("/api/v1/needs/", {**payload, "justification": "Rét"}, format="json")
    if response.status_code == 201:
        return ""
    assert response.status_code == 400, response.content
    return " ".join(response.json().get("season", []))


def _need_by_page(client, personas, child, season) -> str:
    client.force_login(personas.officer_a)
    data = {"category": "warm_clothing", "unit_cost": "350000", "season": season, "priority": 2, "justification": "Rét"}
    response = client.post(reverse("needs:need-create", args=[child.pk]), data)
    if response.status_code == 302:
        return ""
    return " ".join(response.context["form"].errors.get("season", []))


def _need_by_import(client, personas, child, season) -> str:
    client.force_login(personas.officer_a)
    line = row(name=child.full_name, birth=child.birth_date.strftime("%d/%m/%Y"), season=season)
    response = client.post(reverse("needs-import"), {"file": upload(workbook_bytes([line]))})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    messages = [message for error in record.report["errors"] for message in error["messages"]]
    if not messages:
        assert client.post(reverse("needs-import-confirm", args=[record.token])).status_code == 302
        return ""
    return " ".join(message.removeprefix("Mùa/đợt: ") for message in messages if message.startswith("Mùa/đợt:"))


NEED_DOORS = {"service": _need_by_service, "api": _need_by_api, "page": _need_by_page, "import": _need_by_import}


@pytest.mark.parametrize("door", NEED_DOORS)
@pytest.mark.parametrize(("season", "refusal"), [("Y2026", "được tính theo mùa đông"), ("W2026", None)])
def test_every_door_refuses_a_season_of_another_kind_the_same_way(client, personas, door, season, refusal):
    child = ChildFactory(commune=personas.commune_a, full_name="Giàng Thị Mỷ", birth_date=dt.date(2018, 3, 14))

    said = NEED_DOORS[door](client, personas, child, season)

    if refusal is None:
        assert said == ""
        assert Need.objects.get().season == season
    else:
        assert refusal in said
        assert not Need.objects.exists()


@pytest.mark.parametrize("door", ["service", "api"])
def test_a_childs_village_must_be_in_the_childs_commune(personas, door):
    """An officer of two communes picks a village of the other one (a village outside their scope is a 404)."""
    RoleAssignment.objects.create(user=personas.officer_a, role=Role.COMMUNE_OFFICER, unit=personas.commune_b)
    officer = get_user_model().objects.get(pk=personas.officer_a.pk)  # its scope is cached on the object
    elsewhere = VillageFactory(commune=personas.commune_b, name="Thôn Nà Hin")
    data = {"full_name": "Lý Thị Mẩy", "sex": "F", "birth_date": dt.date(2018, 1, 1)}
    if door == "service":
        data |= {"ethnic_group": EthnicGroup.objects.get(code="08"), "village": elsewhere}
        with pytest.raises(ValidationError) as refused:
            services.child_create(user=officer, commune=personas.commune_a, data=data)
        said = " ".join(refused.value.message_dict["village"])
    else:
        api = APIClient()
        api.force_authenticate(officer)
        payload = {**data, "birth_date": "2018-01-01", "ethnic_group": "08", "commune": personas.commune_a.code}
        response = api.post("/api/v1/children/", {**payload, "village": elsewhere.pk}, format="json")
        assert response.status_code == 400
        said = " ".join(response.json()["village"])
    assert "Thôn/bản này không thuộc xã đã chọn" in said
    assert not Child.objects.exists()
