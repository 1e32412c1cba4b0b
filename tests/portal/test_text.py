"""Text is kept in Unicode NFC whatever door it comes through, search keys read every look-alike of Đ as d, and
the portal's own reference and demo strings are written with the Vietnamese letters."""

import unicodedata
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from needs.models import Child
from portal.models import Village
from portal.text import fold, nfc_data, nfc_stored_text
from tests.factories import ChildFactory, UserFactory, VillageFactory

ETH, ETH_SMALL, AFRICAN_D, AFRICAN_D_SMALL = "\u00d0", "\u00f0", "\u0189", "\u0256"
LOOKALIKES = ETH + ETH_SMALL + AFRICAN_D + AFRICAN_D_SMALL


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("d", ["Đ", ETH, AFRICAN_D])
def test_search_keys_read_every_look_alike_of_d_as_d(d):
    assert fold(f"Thôn Khau {d}ấng") == "thon khau dang"
    assert fold(f"{d}ặng".lower()) == "dang"


def test_search_keys_are_the_same_for_nfc_and_nfd():
    assert fold(nfd("Nguyễn Thị Ánh Tuyết")) == fold("Nguyễn Thị Ánh Tuyết") == "nguyen thi anh tuyet"


def test_parsed_input_is_normalised_through_and_through_but_a_password_is_kept_as_typed():
    typed = {"full_name": nfd("Lý Thị Mẩy"), "items": [nfd("Áo ấm")], "count": 3, "new_password1": nfd("mật khẩu")}
    assert nfc_data(typed) == {
        "full_name": "Lý Thị Mẩy",
        "items": ["Áo ấm"],
        "count": 3,
        "new_password1": nfd("mật khẩu"),
    }


@pytest.mark.django_db
def test_the_admin_stores_what_it_is_given_in_nfc(client, personas):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:portal_village_add"), {"commune": personas.commune_a.pk, "name": nfd("Thôn Nà Hin")}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Village.objects.filter(name="Thôn Nà Hin").exists()


@pytest.mark.django_db
def test_a_password_with_diacritics_still_opens_the_account_it_was_set_for(client):
    user = UserFactory(username="chu_tich")
    user.set_password(nfd("Mật khẩu rất dài 2026"))
    user.save()
    response = client.post(reverse("login"), {"username": "chu_tich", "password": nfd("Mật khẩu rất dài 2026")})
    assert response.status_code == 302


@pytest.mark.django_db
def test_text_stored_before_normalisation_is_rewritten_in_nfc_unless_it_would_duplicate_a_row(personas):
    typed = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Sáu", guardian_name="Lò Văn Đôi")
    both = VillageFactory(commune=personas.commune_a, name="Thôn Pác Châm")
    # As rows written before this change were stored: straight to the table, in NFD.
    Child.objects.filter(pk=typed.pk).update(full_name=nfd("Lò Thị Sáu"), guardian_name=nfd("Lò Văn Đôi"))
    twin = VillageFactory(commune=personas.commune_a, name=nfd("Thôn Pác Châm"))

    nfc_stored_text(apps, "needs")
    nfc_stored_text(apps, "portal")

    typed.refresh_from_db()
    assert (typed.full_name, typed.guardian_name) == ("Lò Thị Sáu", "Lò Văn Đôi")
    twin.refresh_from_db()
    assert twin.name == nfd("Thôn Pác Châm") != both.name  # kept: the NFC spelling is another village


@pytest.mark.django_db
def test_the_migrations_give_villages_the_vietnamese_d_and_recompute_search_keys(personas):
    village = VillageFactory(commune=personas.commune_a, name=f"Thôn Khau {ETH}ấng")
    child = ChildFactory(commune=personas.commune_a, full_name=f"{ETH}ặng Thị Mai")
    Child.objects.filter(pk=child.pk).update(name_key=f"{ETH_SMALL}ang thi mai")  # as the old fold wrote it

    import_module("portal.migrations.0005_text_in_nfc_and_vietnamese_d_in_villages").forwards(apps, None)
    import_module("needs.migrations.0007_text_in_nfc_and_name_keys").forwards(apps, None)

    village.refresh_from_db()
    assert village.name == "Thôn Khau Đấng"
    assert village.history.latest().history_change_reason == "Sửa chữ Đ gõ nhầm bằng ký tự giống Đ (Unicode)"
    assert list(Child.objects.search("Đặng Thị Mai")) == [child]


# --- the portal's own strings ------------------------------------------------------------------------------------
SOURCE_DIRS = ["portal", "needs", "donors", "allocations", "reports", "templates", "locale", "static", "docs"]
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po", ".md", ".js", ".css", ".csv", ".json"}


def test_every_string_the_portal_ships_is_nfc_without_look_alikes_of_d():
    base = Path(settings.BASE_DIR)
    bad = []
    for directory in SOURCE_DIRS:
        for path in sorted((base / directory).rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if not unicodedata.is_normalized("NFC", line) or any(letter in line for letter in LOOKALIKES):
                    bad.append(f"{path.relative_to(base)}:{number}: {line.strip()[:80]!r}")
    assert bad == []


@pytest.mark.django_db
def test_the_demo_village_is_found_by_its_name_typed_on_a_vietnamese_keyboard():
    call_command("seed_demo", verbosity=0)
    assert Village.objects.filter(name="Thôn Khau Đấng").exists()
    bad = []
    for model in apps.get_models():
        if model._meta.app_label not in {"portal", "needs", "donors", "allocations", "reports"}:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            for value in model.objects.values_list(field.attname, flat=True).distinct():
                if value and (not unicodedata.is_normalized("NFC", value) or any(c in value for c in LOOKALIKES)):
                    bad.append(f"{model._meta.label}.{field.name}: {value[:80]!r}")
    assert bad == []
