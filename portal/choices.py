"""Choices that help the officer choose: villages grouped under their commune (and narrowed to the chosen one by
static/js/villages.js), ethnic groups with the common ones first (found by typing with static/js/choices.js).

Both work without JavaScript: the select is complete and grouped, and the server checks what comes back
(needs.rules.village_problem for a village of another commune). Options are written in Python, not one template
render each, as portal.forms.PlainSelect does: a province's village filter has thousands.
"""

from django import forms
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.reference_data import ETHNIC_ALIASES


def _selected(value, chosen: set[str]) -> str:
    return mark_safe(" selected") if str(value) in chosen else ""


def _blank_and_instances(choices):
    """(blank label or None, [(value, instance)]) from a ModelChoiceIterator's choices."""
    blank, rows = None, []
    for value, label in choices:
        if value == "":
            blank = label
        else:
            rows.append((value, getattr(value, "instance", None)))
    return blank, rows


class VillageSelect(forms.Select):
    """Villages in <optgroup>s named after their commune (a village is never shown without it), each group
    marked with its commune's id so the script can keep only the chosen commune's villages.

    `follows` is the name of the commune field in the same form (with the same prefix), or None when the form
    has no commune to choose (the village list is then that of the record's commune).
    """

    def __init__(self, attrs=None, follows: str | None = "commune"):
        super().__init__(attrs)
        self.follows = follows

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        blank, rows = _blank_and_instances(self.choices)
        groups: dict[int, tuple[str, list]] = {}
        for value_, village in rows:
            groups.setdefault(village.commune_id, (village.commune.name, []))[1].append((value_, village.name))
        body = format_html_join(
            "",
            '<optgroup label="{}" data-commune="{}">{}</optgroup>',
            (
                (
                    commune_name,
                    commune_id,
                    format_html_join(
                        "", '<option value="{}"{}>{}</option>', ((v, _selected(v, chosen), n) for v, n in villages)
                    ),
                )
                for commune_id, (commune_name, villages) in groups.items()
            ),
        )
        if blank is not None:
            body = format_html('<option value=""{}>{}</option>{}', _selected("", chosen or {""}), blank, body)
        final = self.build_attrs(self.attrs, attrs)
        script = ""
        if self.follows:
            prefix = name.rsplit("-", 1)[0] + "-" if "-" in name else ""
            final["data-follows"] = prefix + self.follows
            script = format_html('<script src="{}" defer></script>', static("js/villages.js"))
        return format_html('<select name="{}"{}>{}</select>{}', name, flatatt(final), body, script)


class VillageChoiceField(forms.ModelChoiceField):
    """A village, chosen under its commune. The queryset must select_related("commune") and be ordered by
    commune, then village (needs.forms and needs.filters order both in Vietnamese)."""

    widget = VillageSelect

    def label_from_instance(self, village):
        return f"{village.name} — {village.commune.name}"  # in error messages and the API's browsable forms


class EthnicGroupSelect(forms.Select):
    """The ethnic groups in two <optgroup>s: the ones common among the user's children first, then the rest in
    Vietnamese order. With the script a search box in front of it picks the group as one types ("tay", "Nùng",
    "hmong"); without it the select is complete and the browser's own typing in a select still works."""

    def __init__(self, attrs=None, common_ids=()):
        super().__init__(attrs)
        self.common_ids = list(common_ids)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        blank, rows = _blank_and_instances(self.choices)
        aliases: dict[str, list[str]] = {}
        for alias, code in ETHNIC_ALIASES.items():
            aliases.setdefault(code, []).append(alias)
        by_id = {group.pk: (value_, group) for value_, group in rows}
        common = [by_id[pk] for pk in self.common_ids if pk in by_id]
        rest = [row for row in rows if row[1].pk not in set(self.common_ids)]

        def options(pairs):
            return format_html_join(
                "",
                '<option value="{}"{}{}>{}</option>',
                (
                    (
                        v,
                        format_html(' data-also="{}"', " ".join(aliases[group.code])) if group.code in aliases else "",
                        _selected(v, chosen),
                        group.name,
                    )
                    for v, group in pairs
                ),
            )

        body = format_html('<option value=""{}>{}</option>', _selected("", chosen or {""}), blank) if blank else ""
        if common:
            body += format_html(
                '<optgroup label="{}">{}</optgroup><optgroup label="{}">{}</optgroup>',
                _("Thường gặp ở địa bàn"),
                options(common),
                _("Các dân tộc khác (A–Z)"),
                options(rest),
            )
        else:
            body += options(rest)
        final = self.build_attrs(self.attrs, attrs)
        final["data-search"] = _("Gõ để tìm nhanh, ví dụ: Tày, nung, mong")
        return format_html(
            '<select name="{}"{}>{}</select><script src="{}" defer></script>',
            name,
            flatatt(final),
            body,
            static("js/choices.js"),
        )
