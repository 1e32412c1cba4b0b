"""The API's HTML and its writes follow the scope of its JSON.

A browser (or a script sending Accept: text/html) gets the browsable API: the JSON plus a form for every write
and a form for the filters. Those forms offer only the rows the user may act on, and none at all where the user
may not write; a write naming a row outside the caller's scope answers 404 like the row's own URL; a role that can
never write somewhere gets 403 before its request is validated. World: see conftest.py (sides "a" and "c").
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient, APIRequestFactory

from allocations.models import AllocationBatch, Delivery
from donors.models import Pledge, Receipt
from needs.models import Child, Need
from portal.models import RoleAssignment, Village
from portal.permissions import Role
from portal.urls import router
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

BROWSER = {"accept": "text/html"}
ROLES = ["anon", "officer_a", "officer_b", "staff", "staff_q", "leader", "auditor", "donor", "donor2"]
# Whose children and donors each role may see (README, "Demo users"): officers their commune's children and no
# donor; department staff, leadership and auditors their province's donors, and children's names only for staff
# and auditors; a donor's people their own donor only.
CHILDREN_SEEN = {"officer_a": "a", "officer_b": "b", "staff": "ab", "staff_q": "c", "auditor": "ab"}
DONORS_SEEN = {"staff": "DE", "leader": "DE", "auditor": "DE", "staff_q": "F", "donor": "D", "donor2": "E"}
NAMES = {"a": "Lục Thị Sương", "b": "Ma Văn Khởi", "c": "Nông Thị Ngoài"}
DONORS = {"D": "Công ty Chè Tân Cương", "E": "Quỹ Ánh Dương", "F": "Công ty Ngoài Tỉnh"}
LISTS = [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry]
PUBLIC = {"/api/v1/ledger/"}


@pytest.fixture
def named(world):
    """The world with a child in commune B too, and names no other string of the pages contains."""
    ChildFactory(commune=world.commune_b)
    for side, commune in (("a", world.commune_a), ("b", world.commune_b), ("c", world.commune_c)):
        Child.objects.filter(commune=commune).update(full_name=NAMES[side])
    return world


def _browser(world, role) -> Client:
    client = Client(headers=BROWSER)
    if role != "anon":
        client.force_login(getattr(world, role))
    return client


def _forms(html: str) -> list[str]:
    """The write forms of a browsable API page: the HTML form and the raw-data form of each method."""
    return [method for method in ("POST", "PUT", "PATCH") if f'method="{method}"' in html]


@pytest.mark.parametrize("role", ROLES)
def test_the_browsable_api_shows_each_role_only_the_children_and_donors_it_may_see(named, role):
    client = _browser(named, role)
    urls = [*LISTS, f"/api/v1/needs/{named.a.need.pk}/", f"/api/v1/children/{named.a.child.pk}/"]
    pages = {url: client.get(url).content.decode() for url in urls}
    children = {NAMES[side] for side in "abc" if side not in CHILDREN_SEEN.get(role, "")}
    donors = {DONORS[donor] for donor in "DEF" if donor not in DONORS_SEEN.get(role, "")}
    leaks = [
        f"{secret} on {url}"
        for url, html in pages.items()
        # The public ledger names, to everyone, the donors who did not ask for anonymity (tests/allocations).
        for secret in (children if url in PUBLIC else children | donors)
        if secret in html
    ]
    assert leaks == []
    if role == "officer_a":  # the forms do work: the officer's own children are offered
        assert NAMES["a"] in pages["/api/v1/needs/"]


# url → the roles offered a form to write there (README: who registers, verifies, pledges, records, allocates).
WRITERS = {
    "/api/v1/children/": {"officer_a", "officer_b"},
    "/api/v1/needs/": {"officer_a", "officer_b", "staff", "staff_q"},
    "/api/v1/villages/": {"officer_a", "officer_b", "staff", "staff_q"},
    "/api/v1/pledges/": {"staff", "staff_q", "donor", "donor2"},
    "/api/v1/receipts/": {"staff", "staff_q"},
    "/api/v1/batches/": {"staff", "staff_q"},
    "/api/v1/deliveries/": {"officer_a", "officer_b"},
    "need": {"officer_a", "staff"},  # the need of side a: its commune's officer and the province's staff
    "transition": {"officer_a", "staff"},  # its workflow, also on the URL's 405 page (a GET)
}


@pytest.mark.parametrize("url", WRITERS)
def test_the_browsable_api_offers_a_form_only_to_those_who_may_write_there(world, url):
    path = {
        "need": f"/api/v1/needs/{world.a.need.pk}/",
        "transition": f"/api/v1/needs/{world.a.need.pk}/transition/",
    }.get(url, url)
    offered = {role for role in ROLES if _forms(_browser(world, role).get(path).content.decode())}
    assert offered == WRITERS[url]


def test_the_filter_forms_list_no_rows(world):
    """Filters by a related row take its id: a drop-down of pledges listed every donor of the country."""
    html = _browser(world, "donor2").get("/api/v1/receipts/").content.decode()
    assert 'name="pledge"' in html
    assert DONORS["D"] not in html
    assert DONORS["F"] not in html
    # Filtering still works, and finds nothing outside the scope.
    api = APIClient()
    api.force_authenticate(world.donor)
    assert [row["id"] for row in api.get("/api/v1/receipts/", {"pledge": world.a.pledge.pk}).json()["results"]] == [
        world.a.receipt.pk
    ]
    assert api.get("/api/v1/receipts/", {"pledge": world.c.pledge.pk}).json()["results"] == []


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


GOODS = {"category": "warm_clothing", "quantity": 1, "unit_cost": 350_000, "justification": "Rét đậm."}


def _outside_cases(w):
    """(who, url, body, rows that must not grow): each body names one row outside the caller's scope."""
    pledge = {"kind": "cash", "amount": 1_000_000, "pledged_on": "2026-11-01"}
    receipt = {"kind": "money", "received_on": "2026-11-01", "amount": 1_000_000}
    delivery = {"delivered_on": "2026-11-20", "quantity": 1, "children_reached": 1, "handed_over_by": "Cô Hà"}
    return {
        "need for another province's child": ("officer_a", "/api/v1/needs/", {**GOODS, "child": w.c.child.pk}, Need),
        "need for a child of the next commune": (
            "officer_a", "/api/v1/needs/", {**GOODS, "child": Child.objects.get(commune=w.commune_b).pk}, Need,
        ),
        "group need in another province's village": (
            "officer_a", "/api/v1/needs/",
            {**GOODS, "commune": w.commune_a.code, "facility_name": "Trường mầm non", "beneficiary_count": 30,
             "clothing_size": "6-7", "village": w.c.village.pk}, Need,
        ),
        "child in another province's village": (
            "officer_a", "/api/v1/children/",
            {"commune": w.commune_a.code, "village": w.c.village.pk, "full_name": "Hoàng Văn Mới", "sex": "M",
             "birth_date": "2019-02-01", "ethnic_group": "08"}, Child,
        ),
        "village in another province": (
            "staff", "/api/v1/villages/", {"commune": w.commune_c.code, "name": "Bản Mới"}, Village,
        ),
        "pledge for another province's donor": (
            "staff", "/api/v1/pledges/", {**pledge, "donor": w.c.donor.pk}, Pledge,
        ),
        "pledge in another province's campaign": (
            "staff", "/api/v1/pledges/", {**pledge, "donor": w.a.donor.pk, "campaign": w.c.campaign.pk}, Pledge,
        ),
        "pledge earmarked for another province's commune": (
            "staff", "/api/v1/pledges/", {**pledge, "donor": w.a.donor.pk, "earmark_communes": [w.commune_c.code]},
            Pledge,
        ),
        "pledge for another donor": ("donor", "/api/v1/pledges/", {**pledge, "donor": w.c.donor.pk}, Pledge),
        "receipt for another province's pledge": (
            "staff", "/api/v1/receipts/", {**receipt, "pledge": w.c.pledge.pk}, Receipt,
        ),
        "allocation in another province": (
            "staff", "/api/v1/batches/", {"province": w.other_province.code, "lines": []}, AllocationBatch,
        ),
        "delivery of another province's need": (
            "officer_a", "/api/v1/deliveries/", {**delivery, "need": w.c.need.pk}, Delivery,
        ),
    }  # fmt: skip


@pytest.mark.parametrize("case", [
    "need for another province's child", "need for a child of the next commune",
    "group need in another province's village", "child in another province's village", "village in another province",
    "pledge for another province's donor", "pledge in another province's campaign",
    "pledge earmarked for another province's commune", "pledge for another donor",
    "receipt for another province's pledge", "allocation in another province", "delivery of another province's need",
])  # fmt: skip
def test_a_write_naming_a_row_outside_the_scope_answers_404_and_saves_nothing(named, case):
    role, url, body, model = _outside_cases(named)[case]
    before = model.objects.count()
    response = _api(getattr(named, role)).post(url, body, format="json")
    assert response.status_code == 404, response.content
    assert model.objects.count() == before


def test_a_row_the_caller_may_only_read_answers_403(world):
    """An officer of commune A who is also the province's auditor reads commune B, but registers only in A."""
    RoleAssignment.objects.create(user=world.officer_a, role=Role.AUDITOR, unit=world.province)
    officer = get_user_model().objects.get(pk=world.officer_a.pk)  # the persona's scope is computed without it
    body = {"commune": world.commune_b.code, "full_name": "Hoàng Văn Mới", "sex": "M", "birth_date": "2019-02-01",
            "ethnic_group": "08"}  # fmt: skip
    assert _api(officer).post("/api/v1/children/", body, format="json").status_code == 403
    assert _api(officer).post("/api/v1/children/", {**body, "commune": world.commune_a.code}).status_code == 201


# (role, url): roles that can never create there. Refused before the body is read: 403 and no list of fields.
NEVER = [
    ("donor", "/api/v1/children/"),
    ("leader", "/api/v1/children/"),
    ("auditor", "/api/v1/children/"),
    ("staff", "/api/v1/children/"),
    ("donor", "/api/v1/needs/"),
    ("leader", "/api/v1/needs/"),
    ("donor", "/api/v1/villages/"),
    ("leader", "/api/v1/villages/"),
    ("leader", "/api/v1/pledges/"),
    ("officer_a", "/api/v1/pledges/"),
    ("donor", "/api/v1/receipts/"),
    ("auditor", "/api/v1/receipts/"),
    ("donor", "/api/v1/batches/"),
    ("officer_a", "/api/v1/batches/"),
    ("leader", "/api/v1/matching/"),
    ("donor", "/api/v1/deliveries/"),
    ("staff", "/api/v1/deliveries/"),
]


@pytest.mark.parametrize(("role", "url"), NEVER)
def test_a_role_that_can_never_create_there_gets_403_before_validation(world, role, url):
    response = _api(getattr(world, role)).post(url, {}, format="json")
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("role", "url"),
    [("officer_a", "/api/v1/children/"), ("staff", "/api/v1/receipts/"), ("donor", "/api/v1/pledges/")],
)
def test_a_role_that_may_create_there_is_told_what_is_missing(world, role, url):
    response = _api(getattr(world, role)).post(url, {}, format="json")
    assert response.status_code == 400
    assert "detail" not in response.json()


def _fields(serializer):
    for name, field in serializer.fields.items():
        if hasattr(field, "child") and hasattr(field.child, "fields"):
            yield from _fields(field.child)
        elif hasattr(field, "fields"):
            yield from _fields(field)
        else:
            yield f"{type(serializer).__name__}.{name}", getattr(field, "child_relation", field)


def test_every_writable_relation_of_the_api_is_scoped(world):
    """A related field offers rows in the HTML form and accepts them on write: each goes through visible_to.

    Reference data every user may read (the 54 ethnic groups) is the one exception."""
    from portal.drf import ScopedRelatedField

    request = APIRequestFactory().get("/")
    request.user = world.staff
    unscoped = []
    for _prefix, viewset, _basename in router.registry:
        for action in ("create", "update"):
            view = viewset(action=action, request=request, format_kwarg=None, kwargs={})
            if not hasattr(view, "get_serializer_class"):
                continue
            serializer = view.get_serializer_class()(context={"request": request})
            for name, field in _fields(serializer):
                relation = hasattr(field, "queryset") and not field.read_only
                reference = not hasattr(getattr(field, "queryset", None), "visible_to")
                if relation and not reference and not isinstance(field, ScopedRelatedField):
                    unscoped.append(name)
    assert sorted(set(unscoped)) == []


def test_every_write_of_the_api_names_its_permissions():
    """portal.drf.WritePermission refuses a write action its viewset does not name: a new one shows up here."""
    unnamed = []
    for prefix, viewset, _basename in router.registry:
        for route in router.get_routes(viewset):
            for method, action in route.mapping.items():
                name = "update" if action == "partial_update" else action
                if method != "get" and hasattr(viewset, action) and name not in getattr(viewset, "write_perms", {}):
                    unnamed.append(f"{method.upper()} {prefix} {action}")
    assert unnamed == []
