"""The one error summary (portal/templatetags/portal_forms.py): every error of every form given, linked to its field."""

from django import forms
from django.template import Context, Template

from portal.templatetags.portal_forms import error_entries


class _Form(forms.Form):
    name = forms.CharField(label="Họ và tên")
    sex = forms.ChoiceField(label="Giới tính", choices=[("F", "Nữ"), ("M", "Nam")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Hồ sơ này đã được gộp.")


def test_it_lists_the_forms_own_errors_first_then_each_field_linked_to_what_takes_the_cursor():
    entries = error_entries(_Form({}))
    assert [(entry["label"], entry["target"]) for entry in entries] == [
        ("", ""),
        ("Họ và tên", "id_name"),
        ("Giới tính", "id_sex_0"),  # the first radio: the group's label points nowhere
        ("Token", ""),  # a hidden field is named, not linked
    ]
    assert entries[0]["message"] == "Hồ sơ này đã được gộp."


def test_it_reads_formsets_row_by_row_and_skips_forms_that_did_not_fail():
    rows = forms.formset_factory(_Form, extra=0)
    formset = rows({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "A"}, prefix="form")
    targets = [entry["target"] for entry in error_entries(None, _Form(), formset)]
    assert targets == ["", "id_form-0-sex_0", ""]


def test_it_renders_nothing_for_a_form_without_errors_and_one_alert_for_several_forms():
    template = Template("{% load portal_forms %}{% form_errors first second %}")
    assert template.render(Context({"first": _Form(), "second": None})).strip() == ""
    html = template.render(Context({"first": _Form({}), "second": _Form({"name": "B", "sex": "F", "token": "t"})}))
    assert html.count('role="alert"') == 1
    assert html.count("<li>") == 5
    assert 'href="#id_name"' in html
    assert "js/form-errors.js" in html  # the focusing script comes only with a summary
