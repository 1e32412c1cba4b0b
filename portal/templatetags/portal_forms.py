"""The one way a page shows that its form failed: `{% form_errors form other_form %}` at the top of the form.

It lists every error of every form given (those not tied to a field first), each linked to its field, so the
person sees at once, where they are looking, everything to fix. The summary is rendered by the server (it shows
with JavaScript off, and `autofocus` moves focus to it); static/js/form-errors.js only makes the links land on the
field with its label in view.
"""

from django import template

register = template.Library()


def _target_id(form, bound_field) -> str:
    """The id a link can focus: the input itself, or the first radio/checkbox of a group (whose label has none).

    A page that draws a field itself (the verification queue's ticks in its table) names where its errors
    point with the form's `error_targets` ({field name: element id}).
    """
    if target := getattr(form, "error_targets", {}).get(bound_field.name):
        return target
    if bound_field.is_hidden or not bound_field.auto_id:
        return ""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def _forms(forms):
    for form in forms:
        if hasattr(form, "non_form_errors"):  # a formset: its own errors, then each row's
            yield form.non_form_errors(), []
            yield from _forms(form.forms)
        elif form is not None and form.is_bound and form.errors:
            yield form.non_field_errors(), form


def error_entries(*forms) -> list[dict]:
    """[{label, message, target}] for every error of the bound forms (and formsets), in the order of the page."""
    entries = []
    for general, form in _forms(forms):
        entries += [{"label": "", "message": message, "target": ""} for message in general]
        for bound_field in form:
            target = _target_id(form, bound_field)
            entries += [
                {"label": bound_field.label, "message": message, "target": target} for message in bound_field.errors
            ]
    return entries


@register.inclusion_tag("portal/_form_errors.html")
def form_errors(*forms):
    entries = error_entries(*forms)
    return {"entries": entries, "count": len(entries)}
