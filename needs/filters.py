"""The filters of the children and needs lists, shared by the pages, the API and the Excel exports.

Choices offered are limited to the user's scope; the querysets they filter must already be scoped.
"""

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.models import Category, Child, Need, NeedStatus, Priority, SchoolLevel, Sex
from needs.rules import village_problem
from needs.seasons import season_choices
from portal.choices import VillageChoiceField
from portal.forms import PlainSelect
from portal.models import AdministrativeUnit, Village
from portal.text import collated, fold


class _EqualsAny(Func):
    """`column = ANY(array)` (PostgreSQL)."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class _VillageFilter(django_filters.ModelChoiceFilter):
    field_class = VillageChoiceField


class _ScopedChoicesMixin:
    """Offer only the communes and villages the requesting user may see, in Vietnamese order; villages under their
    commune, narrowed to the chosen commune by static/js/villages.js. A village of another commune than the one
    chosen (typed in the address, or sent without the script) is refused with a message, not an empty list."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["commune"].queryset = (
            AdministrativeUnit.objects.communes().current().visible_to(user).order_by(collated("name"), "pk")
        )
        self.filters["village"].queryset = (
            Village.objects.visible_to(user)
            .select_related("commune")
            .order_by(collated("commune__name"), "commune_id", collated("name"), "pk")
        )


class _VillageInCommuneForm(forms.Form):
    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if problem := village_problem(data.get("village"), commune.pk if commune else None):
            self.add_error("village", problem)
        return data


class ChildFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên hoặc mã"), method="search")
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã"), queryset=AdministrativeUnit.objects.none(), widget=PlainSelect
    )
    village = _VillageFilter(label=_("Thôn/bản"), queryset=Village.objects.none())
    sex = django_filters.ChoiceFilter(label=_("Giới tính"), choices=Sex.choices)
    school_level = django_filters.ChoiceFilter(label=_("Cấp học"), choices=SchoolLevel.choices)

    class Meta:
        model = Child
        fields = ["q", "commune", "village", "sex", "school_level"]
        form = _VillageInCommuneForm

    def search(self, queryset, name, value):
        return queryset.search(value)


class NeedFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên trẻ, tập thể hoặc số"), method="search")
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã"), queryset=AdministrativeUnit.objects.none(), widget=PlainSelect
    )
    village = _VillageFilter(label=_("Thôn/bản"), queryset=Village.objects.none())
    category = django_filters.ChoiceFilter(label=_("Loại hỗ trợ"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=NeedStatus.choices)
    season = django_filters.ChoiceFilter(label=_("Mùa/đợt"), choices=lambda: season_choices(timezone.localdate()))
    priority = django_filters.ChoiceFilter(label=_("Mức ưu tiên"), choices=Priority.choices)

    class Meta:
        model = Need
        fields = ["q", "commune", "village", "category", "status", "season", "priority"]
        form = _VillageInCommuneForm

    def search(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        children = Child.objects.filter(name_key__contains=key).values("pk")
        if connection.vendor == "postgresql":
            # child_id = ANY(ARRAY(…)) rather than a join or IN (subquery): PostgreSQL can then OR the child_id
            # index with the facility name's trigram index (BitmapOr); with either of the others it scanned all
            # 600,000 needs to count the matches (350 ms, issue 7's EXPLAIN).
            by_child = Q(_EqualsAny(F("child_id"), ArraySubquery(children)))
        else:
            by_child = Q(child__in=children)
        match = by_child | Q(facility_name__icontains=value.strip())
        number = value.strip().lstrip("#")
        if number.isdigit():
            match |= Q(pk=int(number))
        return queryset.filter(match)
