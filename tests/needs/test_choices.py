"""The choices an officer makes on the forms and filters: villages follow the commune, the ethnic group is found by
typing and the province's common groups come first, and every list sorted by name is in Vietnamese order."""

import re

import pytest
from django.urls import reverse

from needs.models import Category, Child
from portal.models import EthnicGroup, RoleAssignment
from portal.permissions import Role
from tests.factories import ChildFactory, UnitFactory, VillageFactory, user_with_role


def _option_texts(page: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def _optgroups(page: str, select_name: str) -> dict[str, list[str]]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return {
        label: re.findall(r"<option[^>]*>(.*?)</option>", body, re.S)
        for label, body in re.findall(r'<optgroup label="([^"]*)"[^>]*>(.*?)</optgroup>', select, re.S)
    }


# --- Vietnamese order -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_children_in_vietnamese_order(client, personas):
    for name in ("Lý Thị Mai", "Hoàng Văn An", "Lương Văn Bình", "Hầu A Páo", "Lầu Thị Dế"):
        ChildFactory(commune=personas.commune_a, full_name=name)
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:child-list")).content.decode()
    shown = list(re.findall(r"(Hầu A Páo|Hoàng Văn An|Lầu Thị Dế|Lương Văn Bình|Lý Thị Mai)", page))
    assert shown == ["Hầu A Páo", "Hoàng Văn An", "Lầu Thị Dế", "Lương Văn Bình", "Lý Thị Mai"]


@pytest.mark.django_db
def test_it_offers_communes_and_villages_in_vietnamese_order(client, personas):
    for name in ("Thôn Lý", "Thôn Lương", "Thôn Lầu"):
        VillageFactory(commune=personas.commune_a, name=name)
    UnitFactory(parent=personas.province, province=personas.province, name="Xã Đồng Văn")
    UnitFactory(parent=personas.province, province=personas.province, name="Xã Dương Quang")
    client.force_login(personas.staff)
    page = client.get(reverse("needs:need-create-group")).content.decode()
    communes = [text for text in _option_texts(page, "commune") if text.startswith("Xã")]
    assert communes.index("Xã Dương Quang") < communes.index("Xã Đồng Văn")
    assert _optgroups(page, "village")["Xã Bằng Thành"] == ["Thôn Lầu", "Thôn Lương", "Thôn Lý"]


# --- Villages follow the commune ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name"),
    [("needs:register", "child-village"), ("needs:need-create-group", "village")],
)
def test_the_village_choices_are_grouped_under_their_commune_and_follow_it(client, personas, url, name):
    VillageFactory(commune=personas.commune_a, name="Thôn Nà Hin")
    VillageFactory(commune=personas.commune_b, name="Thôn Khuổi Khon")
    officer = user_with_role(Role.COMMUNE_OFFICER, personas.commune_a)
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=personas.commune_b)
    client.force_login(officer)
    page = client.get(reverse(url)).content.decode()
    groups = _optgroups(page, name)
    assert groups["Xã Bằng Thành"] == ["Thôn Nà Hin"]
    assert groups["Xã Nghiên Loan"] == ["Thôn Khuổi Khon"]
    select = re.search(rf'<select name="{name}"[^>]*>', page).group(0)
    assert "data-follows=" in select  # the script narrows the villages to the chosen commune
    assert re.search(r'<script src="[^"]*/js/villages\.js"', page)


@pytest.mark.django_db
def test_a_village_of_another_commune_is_refused_without_javascript(client, personas):
    elsewhere = VillageFactory(commune=personas.commune_b, name="Thôn Khuổi Khon")
    client.force_login(personas.staff)
    form = {
        "commune": personas.commune_a.pk,
        "village": elsewhere.pk,
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
    assert response.status_code == 200
    assert "Thôn/bản này không thuộc xã đã chọn." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["needs:child-list", "needs:need-list"])
def test_the_list_filters_name_each_villages_commune(client, personas, url):
    VillageFactory(commune=personas.commune_a, name="Thôn 1")
    VillageFactory(commune=personas.commune_b, name="Thôn 1")
    client.force_login(personas.staff)
    page = client.get(reverse(url)).content.decode()
    groups = _optgroups(page, "village")
    assert groups["Xã Bằng Thành"] == ["Thôn 1"]
    assert groups["Xã Nghiên Loan"] == ["Thôn 1"]
    assert all(text in ("", "---------") for text in _option_texts(page, "village") if text not in ("Thôn 1",))


@pytest.mark.django_db
def test_a_list_filtered_by_a_village_of_another_commune_says_so(client, personas):
    elsewhere = VillageFactory(commune=personas.commune_b, name="Thôn Khuổi Khon")
    ChildFactory(commune=personas.commune_a, full_name="Hầu A Páo")
    client.force_login(personas.staff)
    response = client.get(reverse("needs:child-list"), {"commune": personas.commune_a.pk, "village": elsewhere.pk})
    page = response.content.decode()
    assert "Thôn/bản này không thuộc xã đã chọn." in page
    assert "Hầu A Páo" in page  # filtered by the commune only, not an unexplained empty list


# --- Ethnic group -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_official_list_has_foreigners_and_unknown_too(db):
    names = dict(EthnicGroup.objects.values_list("code", "name"))
    assert len(names) == 56
    assert names["55"] == "Người nước ngoài"
    assert names["99"] == "Không xác định"


@pytest.mark.django_db
def test_the_provinces_common_groups_come_first_then_the_rest_in_vietnamese_order(client, personas):
    tay, nung, mong = (EthnicGroup.objects.get(name=name) for name in ("Tày", "Nùng", "Mông"))
    for group, count in ((tay, 3), (nung, 2), (mong, 1)):
        for _number in range(count):
            ChildFactory(commune=personas.commune_a, ethnic_group=group)
    ChildFactory(commune=personas.commune_c, ethnic_group=EthnicGroup.objects.get(name="Khơ-me"))  # other province
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:register")).content.decode()
    groups = list(_optgroups(page, "child-ethnic_group").values())
    assert groups[0] == ["Tày", "Nùng", "Mông"]
    rest = groups[1]
    assert "Khơ-me" in rest
    assert "Tày" not in rest
    assert rest.index("Dao") < rest.index("Ê-đê") < rest.index("Giáy")  # not by code: Dao is 09, Ê-đê 11, Giáy 26
    assert rest.index("Mnông") < rest.index("Mường") < rest.index("Ngái") < rest.index("Ơ-đu")


@pytest.mark.django_db
def test_the_ethnic_group_can_be_found_by_typing_with_or_without_diacritics(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:register")).content.decode()
    select = re.search(r'<select name="child-ethnic_group"[^>]*>', page).group(0)
    assert "data-search=" in select
    assert re.search(r'<script src="[^"]*/js/choices\.js"', page)
    # The script folds what is typed as portal.text.fold does; other names a group goes by come with its option.
    mong = re.search(r"<option[^>]*>Mông</option>", page).group(0)
    assert "hmong" in mong
    assert "meo" in mong


@pytest.mark.django_db
def test_a_child_is_registered_with_the_chosen_group(client, personas):
    from tests.needs.test_views import _quick

    client.force_login(personas.officer_a)
    nung = EthnicGroup.objects.get(name="Nùng")
    response = client.post(reverse("needs:register"), _quick(personas, **{"child-ethnic_group": nung.pk}))
    assert response.status_code == 302
    assert Child.objects.get().ethnic_group == nung


@pytest.mark.django_db
def test_it_lists_donors_in_vietnamese_order(client, personas):
    from tests.donors.factories import DonorFactory

    names = ("Lý", "Lương", "Lầu", "Hoàng", "Hầu", "Đông", "Dương")
    for name in names:
        DonorFactory(province=personas.province, name=f"Công ty {name} Sơn")
    client.force_login(personas.staff)
    page = client.get(reverse("donor-list")).content.decode()
    shown = re.findall(rf"Công ty (?:{'|'.join(names)}) Sơn", page)
    assert list(dict.fromkeys(shown)) == [
        "Công ty Dương Sơn",  # D before Đ: a search key without diacritics put Đông first
        "Công ty Đông Sơn",
        "Công ty Hầu Sơn",
        "Công ty Hoàng Sơn",
        "Công ty Lầu Sơn",
        "Công ty Lương Sơn",
        "Công ty Lý Sơn",
    ]


@pytest.mark.django_db
def test_editing_a_record_offers_only_its_communes_villages(client, personas):
    VillageFactory(commune=personas.commune_a, name="Thôn Nà Hin")
    VillageFactory(commune=personas.commune_b, name="Thôn Khuổi Khon")
    child = ChildFactory(commune=personas.commune_a)
    client.force_login(personas.staff)
    page = client.get(reverse("needs:child-edit", args=[child.pk])).content.decode()
    assert _optgroups(page, "village") == {"Xã Bằng Thành": ["Thôn Nà Hin"]}
