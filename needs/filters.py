"""The filters of the children and needs lists, shared by the pages, the API and the Excel exports.

Choices offered are limited to the user's scope; the querysets they filter must already be scoped.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.models import Category, Child, Need, NeedStatus, Priority, SchoolLevel, Sex
from needs.seasons import season_choices
from portal.models import AdministrativeUnit, Village
from portal.text import fold


class _ScopedChoicesMixin:
    """Offer only the communes and villages the requesting user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["commune"].queryset = AdministrativeUnit.objects.communes().current().visible_to(user)
        self.filters["village"].queryset = Village.objects.visible_to(user).order_by("name")


class ChildFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên hoặc mã"), method="search")
    commune = django_filters.ModelChoiceFilter(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    village = django_filters.ModelChoiceFilter(label=_("Thôn/bản"), queryset=Village.objects.none())
    sex = django_filters.ChoiceFilter(label=_("Giới tính"), choices=Sex.choices)
    school_level = django_filters.ChoiceFilter(label=_("Cấp học"), choices=SchoolLevel.choices)

    class Meta:
        model = Child
        fields = ["q", "commune", "village", "sex", "school_level"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class NeedFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên trẻ, tập thể hoặc số"), method="search")
    commune = django_filters.ModelChoiceFilter(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    village = django_filters.ModelChoiceFilter(label=_("Thôn/bản"), queryset=Village.objects.none())
    category = django_filters.ChoiceFilter(label=_("Loại hỗ trợ"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=NeedStatus.choices)
    season = django_filters.ChoiceFilter(label=_("Mùa/đợt"), choices=lambda: season_choices(timezone.localdate()))
    priority = django_filters.ChoiceFilter(label=_("Mức ưu tiên"), choices=Priority.choices)

    class Meta:
        model = Need
        fields = ["q", "commune", "village", "category", "status", "season", "priority"]

    def search(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        match = Q(child__name_key__contains=key) | Q(facility_name__icontains=value.strip())
        number = value.strip().lstrip("#")
        if number.isdigit():
            match |= Q(pk=int(number))
        return queryset.filter(match)
