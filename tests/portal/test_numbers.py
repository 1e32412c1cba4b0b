"""Counts typed the Vietnamese way: "1.000" is a thousand, never one, and the box is never a browser number box."""

import pytest
from django.core.exceptions import ValidationError

from portal.numbers import CountFormField


@pytest.mark.parametrize(("typed", "number"), [("1000", 1000), ("1.000", 1000), ("1 000", 1000), ("12", 12)])
def test_it_reads_counts_grouped_by_dots(typed, number):
    assert CountFormField().clean(typed) == number


@pytest.mark.parametrize("typed", ["1,5", "1.00", "1.5", "mười"])
def test_it_refuses_what_is_not_a_whole_number(typed):
    with pytest.raises(ValidationError, match="không phải là số nguyên"):
        CountFormField().clean(typed)


def test_it_is_a_text_box_that_still_checks_its_bounds():
    field = CountFormField(min_value=1)
    html = field.widget.render("quantity", 3)
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    with pytest.raises(ValidationError):
        field.clean("0")
