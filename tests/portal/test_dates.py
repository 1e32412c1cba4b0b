"""Dates typed and shown as dd/mm/yyyy whatever the language: one reading rule, one field, on every form."""

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.dates import DayField, parse_day
from portal.spreadsheets.cells import DateWidget


@pytest.mark.parametrize(
    "typed",
    ["25/12/2026", "25-12-2026", "25.12.2026", " 25 / 12 / 2026 ", "2026-12-25"],
)
def test_it_reads_a_day_written_day_first(typed):
    assert parse_day(typed) == dt.date(2026, 12, 25)


@pytest.mark.parametrize("typed", ["5/6/2026", "05/06/2026", "5-6-2026"])
def test_it_reads_the_first_number_as_the_day(typed):
    assert parse_day(typed) == dt.date(2026, 6, 5)  # 5 June, never 6 May


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12/25/2026", "Ghi ngày trước, tháng sau"),  # typed month first
        ("31/02/2026", "không có thật"),
        ("25/12/26", "4 chữ số"),
        ("25/12/026", "4 chữ số"),
        ("25122026", "ngày/tháng/năm"),
        ("25/12-2026", "ngày/tháng/năm"),  # two different separators: a slip
        ("hôm qua", "ngày/tháng/năm"),
    ],
)
def test_it_refuses_what_is_not_one_clear_day_and_says_how_to_write_it(typed, says):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        parse_day(typed)
    assert says in refused.value.messages[0]
    assert typed.strip() in refused.value.messages[0]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_field_shows_a_date_back_day_first_in_every_language(language):
    class Form(forms.Form):
        day = DayField(label="Ngày")

    with translation.override(language):
        html = str(Form(initial={"day": dt.date(2026, 3, 4)})["day"])
        bound = Form({"day": "4/3/2026"})
        assert bound.is_valid()
    assert 'value="04/03/2026"' in html
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="date"' not in html
    assert "dd/mm/yyyy" in html
    assert bound.cleaned_data["day"] == dt.date(2026, 3, 4)


def test_the_field_says_how_to_write_the_day_and_the_box_points_to_it():
    class Form(forms.Form):
        day = DayField(label="Ngày")

    with translation.override("vi"):
        html = str(Form()["day"])
    assert 'aria-describedby="id_day_format"' in html
    assert 'id="id_day_format"' in html
    assert "ngày/tháng/năm" in html


def test_the_import_reads_typed_dates_with_the_same_rule():
    widget = DateWidget()
    assert widget.clean("5/6/2026") == parse_day("5/6/2026")
    with translation.override("vi"), pytest.raises(ValueError, match="Ghi ngày trước"):
        widget.clean("12/25/2026")


FORM_MODULES = [
    "needs.forms",
    "donors.forms",
    "allocations.forms",
    "reports.forms",
    "portal.forms",
    "portal.audit_views",
]


def test_every_date_on_every_form_is_typed_day_first():
    """No form falls back to a browser date box (mm/dd/yyyy in an English browser) or to another reading rule."""
    date_fields = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module_name:
                for field_name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DateField):
                        date_fields.append((form_class.__name__, field_name, type(field).__name__))
    assert date_fields, "the forms have date fields"
    assert [entry for entry in date_fields if entry[2] != "DayField"] == []


def test_it_reads_a_date_and_time_written_by_a_machine_as_its_day():
    assert parse_day("2018-03-14T00:00:00") == dt.date(2018, 3, 14)
    assert parse_day("2018-03-14 00:00") == dt.date(2018, 3, 14)
    with pytest.raises(ValidationError):
        parse_day("2018-03-14 noon")
