"""What the donor registry holds about one child, for needs.erasure (through portal.extensions)."""

from django.utils.translation import gettext as _

from donors.models import Sponsorship
from portal.money import format_vnd


def child_record_sections(child) -> list[dict]:
    sponsorships = Sponsorship.objects.filter(child=child).select_related("donor").order_by("start_date", "pk")
    return [
        {
            "title": _("Đỡ đầu trực tiếp"),
            "columns": [_("Nhà tài trợ"), _("Từ ngày"), _("Đến ngày"), _("Mỗi tháng"), _("Trạng thái")],
            "rows": [
                [
                    sponsorship.donor.name,
                    sponsorship.start_date.strftime("%d/%m/%Y"),
                    sponsorship.end_date.strftime("%d/%m/%Y") if sponsorship.end_date else "",
                    format_vnd(sponsorship.monthly_amount),
                    sponsorship.get_status_display(),
                ]
                for sponsorship in sponsorships
            ],
        }
    ]


def child_anonymised(child_ids: list[int]) -> None:
    Sponsorship.objects.filter(child_id__in=child_ids).update(note="")
    Sponsorship.history.filter(child_id__in=child_ids).update(note="")
