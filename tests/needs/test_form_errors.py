"""A form that fails says so at its top: every error at once, each linked to its field, announced and focused."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from needs.models import Category, Child, Need, NeedStatus
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory
from tests.needs.test_views import _quick


class _Page(HTMLParser):
    """The error summary's links and every element's attributes by id, in the order of the page."""

    def __init__(self, html):
        super().__init__()
        self.ids, self.order, self.summary, self.links = {}, [], None, []
        self._depth, self._link = 0, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs
            self.order.append(attrs["id"])
        if "data-error-summary" in attrs and self.summary is None:
            self.summary, self._depth = attrs, 1
            self.order.append("summary")
        elif self._depth and tag == "div":
            self._depth += 1
        if self._depth and tag == "a":
            self._link = [attrs["href"], ""]

    def handle_data(self, data):
        if self._link:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link:
            self.links.append(tuple(self._link))
            self._link = None
        if self._depth and tag == "div":
            self._depth -= 1


def _summary_of(response) -> _Page:
    assert response.status_code == 200
    page = _Page(response.content.decode())
    assert page.summary is not None, "the page shows an error summary"
    assert page.summary["role"] == "alert"
    assert page.summary["tabindex"] == "-1"
    assert "autofocus" in page.summary
    return page


@pytest.mark.django_db
def test_the_register_page_lists_the_childs_and_the_needs_errors_in_one_round(client, personas):
    """Consent ticked with no guardian, and a healthcare need without its kind of care: both at once, on top."""
    client.force_login(personas.officer_a)
    data = _quick(personas, **{"child-guardian_name": "", "need-category": Category.HEALTHCARE, "need-unit_cost": ""})
    page = _summary_of(client.post(reverse("needs:register"), data))
    targets = [href for href, _text in page.links]
    assert "#id_child-guardian_name" in targets
    assert "#id_need-care_type" in targets  # a rule of the service, reported with the form's own errors
    assert "#id_need-unit_cost" in targets
    for href, text in page.links:
        field = page.ids[href[1:]]
        assert field.get("aria-invalid") == "true"
        described = field["aria-describedby"].split()
        assert f"{href[1:]}_error" in described
        assert f"{href[1:]}_error" in page.ids
        assert text.strip()
    assert page.order.index("summary") < page.order.index("id_child-full_name")  # at the top of the form
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_the_register_page_reports_the_needs_errors_with_a_childs_service_error(client, personas):
    """A rule the child's service checks (a birth date in the future) comes with the need's errors, not before."""
    client.force_login(personas.officer_a)
    data = _quick(personas, **{"child-birth_date": "01/01/2099", "need-category": Category.HEALTHCARE})
    page = _summary_of(client.post(reverse("needs:register"), data))
    targets = {href for href, _text in page.links}
    assert {"#id_child-birth_date", "#id_need-care_type"} <= targets


@pytest.mark.django_db
def test_the_register_page_takes_and_shows_dates_day_first_in_english_too(client, personas):
    client.force_login(personas.officer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    shown = client.post(reverse("needs:register"), _quick(personas, **{"need-unit_cost": ""})).content.decode()
    assert 'value="2016-10-02"' in shown or 'value="02/10/2016"' in shown
    saved = client.post(reverse("needs:register"), _quick(personas, **{"child-birth_date": "2/10/2016"}))
    assert saved.status_code == 302
    child = Child.objects.get()
    assert (child.birth_date.day, child.birth_date.month) == (2, 10)
    edit = client.get(reverse("needs:child-edit", args=[child.pk])).content.decode()
    assert 'value="02/10/2016"' in edit


@pytest.mark.django_db
def test_returning_without_a_reason_says_so_at_the_top_of_the_queue_form(client, personas):
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a), status=NeedStatus.SUBMITTED)
    client.force_login(personas.staff)
    response = client.post(reverse("needs:queue"), {"needs": [need.pk], "action": "return", "reason": ""})
    page = _summary_of(response)
    assert [href for href, _text in page.links] == ["#id_reason"]
    assert "Cần ghi lý do để “Trả lại để sửa”." in page.links[0][1]
    assert page.order.index("summary") < page.order.index(f"pick-{need.pk}") < page.order.index("id_reason")
    assert page.ids["id_reason"]["aria-invalid"] == "true"
    assert Need.objects.get(pk=need.pk).status == NeedStatus.SUBMITTED


@pytest.mark.django_db
def test_returning_nothing_links_to_the_list_to_tick(client, personas):
    client.force_login(personas.staff)
    page = _summary_of(client.post(reverse("needs:queue"), {"action": "return", "reason": "Thiếu ảnh"}))
    assert [href for href, _text in page.links] == ["#id_needs"]
    assert "id_needs" in page.ids


@pytest.mark.django_db
def test_a_page_that_did_not_fail_shows_no_summary(client, personas):
    client.force_login(personas.officer_a)
    assert "data-error-summary" not in client.get(reverse("needs:register")).content.decode()


@pytest.mark.django_db
def test_a_childs_new_need_lists_the_forms_and_the_services_errors_in_one_round(client, personas):
    child = ChildFactory(commune=personas.commune_a)
    client.force_login(personas.officer_a)
    data = {"category": Category.NUTRITION, "unit_cost": "", "priority": "3", "justification": "Bữa trưa ở trường"}
    page = _summary_of(client.post(reverse("needs:need-create", args=[child.pk]), data))
    targets = {href for href, _text in page.links}
    assert targets == {"#id_unit_cost", "#id_meals_per_day", "#id_days"}
    assert not Need.objects.exists()
