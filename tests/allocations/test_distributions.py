"""Distribution days: a commune's list of funded needs, printed for the guardians to sign, then recorded at once
through the ledger (all lines or none), with the signed list's scan."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from allocations.models import Delivery, DistributionLine, DistributionStatus, NeedBalance
from allocations.selectors import distribution_candidates
from allocations.services import (
    DistributionError,
    Outcome,
    delivery_record,
    distribution_create,
    distribution_print,
    distribution_record,
)
from needs.models import NeedStatus
from portal.models import ExportLog, Village
from portal.uploads import check_upload
from tests.allocations.conftest import png_upload
from tests.factories import PASSWORD
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def _printed(personas, funded, **lines):
    """A printed list of commune A: the girl's two units and the boy's one unless told otherwise."""
    girl, boy = funded["girl"], funded["boy"]
    planned = {girl.pk: lines.get("girl", 2), boy.pk: lines.get("boy", 1)}
    distribution = distribution_create(
        user=personas.officer_a, commune=personas.commune_a, distributed_on=DAY, title="Trao áo ấm", lines=planned
    )
    distribution_print(user=personas.officer_a, distribution=distribution)
    return distribution


def _line(distribution, need):
    return distribution.lines.get(need=need)


def test_it_records_the_whole_list_in_one_go_with_partial_and_missed_lines(personas, funded):
    distribution = _printed(personas, funded)
    girl, boy = funded["girl"], funded["boy"]
    outcomes = {
        _line(distribution, girl).pk: Outcome(handed_over=True, quantity=1),  # one coat of two
        _line(distribution, boy).pk: Outcome(handed_over=False, reason="Gia đình đi làm nương"),
    }
    recorded = distribution_record(
        user=personas.officer_a, distribution=distribution, outcomes=outcomes, handed_over_by="Cô Hà",
        scan=check_upload(png_upload("danh-sach-ky.png")),
    )  # fmt: skip
    assert recorded.status == DistributionStatus.RECORDED
    assert recorded.scan
    assert "danh-sach" not in recorded.scan.name
    delivery = Delivery.objects.get()
    assert (delivery.need, delivery.quantity, delivery.delivered_on, delivery.handed_over_by) == (girl, 1, DAY, "Cô Hà")
    assert _line(distribution, girl).delivery == delivery
    assert _line(distribution, boy).reason == "Gia đình đi làm nương"
    assert NeedBalance.objects.get(need=girl).delivered_quantity == 1
    boy.refresh_from_db()
    assert boy.status == NeedStatus.FUNDED  # not handed over: still waiting


def test_all_handed_over_delivers_the_needs(personas, funded):
    distribution = _printed(personas, funded)
    outcomes = {line.pk: Outcome(handed_over=True, quantity=line.planned_quantity) for line in distribution.lines.all()}
    distribution_record(
        user=personas.officer_a, distribution=distribution, outcomes=outcomes, handed_over_by="Cô Hà",
        scan=check_upload(png_upload()),
    )  # fmt: skip
    assert Delivery.objects.count() == 2
    assert set(funded["girl"].__class__.objects.filter(pk__in=[funded["girl"].pk, funded["boy"].pk]).values_list(
        "status", flat=True)) == {NeedStatus.DELIVERED}  # fmt: skip


def test_a_line_the_ledger_refuses_saves_nothing_and_names_that_line(personas, funded):
    distribution = _printed(personas, funded)
    boy = funded["boy"]
    # Meanwhile the boy's coat was recorded one by one: the list's line for him is no longer paid for.
    delivery_record(user=personas.officer_a, need=boy, delivered_on=DAY, quantity=1, children_reached=1,
                    handed_over_by="X")  # fmt: skip
    outcomes = {line.pk: Outcome(handed_over=True, quantity=line.planned_quantity) for line in distribution.lines.all()}
    with pytest.raises(DistributionError) as refused:
        distribution_record(
            user=personas.officer_a, distribution=distribution, outcomes=outcomes, handed_over_by="Cô Hà",
            scan=check_upload(png_upload()),
        )  # fmt: skip
    assert list(refused.value.lines) == [_line(distribution, boy).pk]
    assert "tài trợ" in refused.value.lines[_line(distribution, boy).pk]  # the ledger's own reason
    assert Delivery.objects.count() == 1  # only the one recorded before: the girl's line was not kept either
    assert NeedBalance.objects.get(need=funded["girl"]).delivered_quantity == 0
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PRINTED
    assert not distribution.scan
    assert not DistributionLine.objects.filter(handed_over__isnull=False).exists()


def test_not_handed_over_needs_a_reason(personas, funded):
    distribution = _printed(personas, funded)
    girl_line = _line(distribution, funded["girl"])
    outcomes = {line.pk: Outcome(handed_over=True, quantity=1) for line in distribution.lines.all()}
    outcomes[girl_line.pk] = Outcome(handed_over=False, reason="  ")
    with pytest.raises(DistributionError) as refused:
        distribution_record(
            user=personas.officer_a, distribution=distribution, outcomes=outcomes, handed_over_by="Cô Hà",
            scan=check_upload(png_upload()),
        )  # fmt: skip
    assert list(refused.value.lines) == [girl_line.pk]
    assert not Delivery.objects.exists()


def test_a_list_holds_only_the_communes_funded_needs_within_what_is_paid(personas, funded):
    candidates = distribution_candidates(user=personas.officer_a, commune=personas.commune_a)
    assert {need.pk: need.units_left for need in candidates} == {funded["girl"].pk: 2, funded["boy"].pk: 1}
    with pytest.raises(DistributionError) as refused:
        distribution_create(
            user=personas.officer_a, commune=personas.commune_a, distributed_on=DAY, title="T",
            lines={funded["girl"].pk: 3, funded["school"].pk: 1},
        )  # fmt: skip
    assert set(refused.value.lines) == {funded["girl"].pk, funded["school"].pk}
    with pytest.raises(PermissionDenied):
        distribution_create(
            user=personas.officer_b, commune=personas.commune_a, distributed_on=DAY, title="T",
            lines={funded["girl"].pk: 1},
        )  # fmt: skip
    with pytest.raises(DistributionError, match="80"):
        distribution_create(
            user=personas.officer_a, commune=personas.commune_a, distributed_on=DAY, title="T",
            lines=dict.fromkeys(range(1, 82), 1),
        )  # fmt: skip
    _printed(personas, funded, boy=1)
    # On a list still to be recorded, a need is not offered for another one.
    assert not distribution_candidates(user=personas.officer_a, commune=personas.commune_a).exists()


def test_the_officer_picks_by_village_prints_and_records_the_list_on_pages(client, personas, funded):
    girl, boy = funded["girl"], funded["boy"]
    village = Village.objects.create(commune=personas.commune_a, name="Bản Nà Lẹng")
    girl.child.village = village
    girl.child.save()
    client.login(username="officer_a", password=PASSWORD)
    url = reverse("allocations:distribution-create") + f"?village={village.pk}"
    page = client.get(url).content.decode()
    assert girl.child.full_name in page
    assert boy.child.full_name not in page
    response = client.post(url, {"distributed_on": "20/11/2026", "title": "Trao áo ấm", "need": [girl.pk],
                                 f"quantity_{girl.pk}": "2"})  # fmt: skip
    distribution = girl.distribution_lines.get().distribution
    assert response["Location"] == reverse("allocations:distribution-detail", args=[distribution.pk])
    detail = client.get(reverse("allocations:distribution-detail", args=[distribution.pk])).content.decode()
    assert girl.child.full_name in detail
    assert "Bản Nà Lẹng" in detail
    record_url = reverse("allocations:distribution-record", args=[distribution.pk])
    assert client.get(record_url).status_code == 302  # not printed yet: print it first
    distribution_print(user=personas.officer_a, distribution=distribution)
    line = distribution.lines.get()
    form = client.get(record_url).content.decode()
    assert f'name="quantity_{line.pk}" value="2"' in form  # the planned quantity is the default
    response = client.post(record_url, {"handed_over_by": "Cô Hà", "scan": png_upload(), f"handed_{line.pk}": "yes",
                                        f"quantity_{line.pk}": "2"})  # fmt: skip
    assert response.status_code == 302
    assert Delivery.objects.get().need == girl
    deliveries = client.get(reverse("allocations:delivery-list")).content.decode()
    assert girl.child.full_name in deliveries
    assert "Bản Nà Lẹng" in deliveries
    scan = client.get(reverse("allocations:distribution-scan", args=[distribution.pk]))
    assert scan.status_code == 200
    assert scan["Content-Type"] == "image/png"

    client.login(username="leader", password=PASSWORD)  # reads records, never children's personal data
    deliveries = client.get(reverse("allocations:delivery-list")).content.decode()
    assert girl.child.code in deliveries
    assert girl.child.full_name not in deliveries
    assert "Bản Nà Lẹng" not in deliveries
    assert client.get(reverse("allocations:distribution-detail", args=[distribution.pk])).status_code == 403
    client.login(username="donor", password=PASSWORD)
    for name in ("distribution-detail", "distribution-scan", "distribution-pdf", "distribution-record"):
        assert client.get(reverse(f"allocations:{name}", args=[distribution.pk])).status_code == 404


def test_the_record_page_shows_a_missing_reason_on_its_line_and_saves_nothing(client, personas, funded):
    distribution = _printed(personas, funded)
    girl_line, boy_line = _line(distribution, funded["girl"]), _line(distribution, funded["boy"])
    client.login(username="officer_a", password=PASSWORD)
    response = client.post(
        reverse("allocations:distribution-record", args=[distribution.pk]),
        {"handed_over_by": "Cô Hà", "scan": png_upload(), f"handed_{girl_line.pk}": "yes",
         f"quantity_{girl_line.pk}": "2", f"handed_{boy_line.pk}": "no", f"reason_{boy_line.pk}": ""},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'id="line-{boy_line.pk}"') :]
    assert "Ghi lý do chưa trao." in row[: row.index("</tr>")]
    assert not Delivery.objects.exists()


def test_the_printed_list_names_children_for_their_guardians_signature_and_is_logged(client, personas, funded):
    girl = funded["girl"]
    distribution = distribution_create(
        user=personas.officer_a, commune=personas.commune_a, distributed_on=DAY, title="Trao áo ấm mùa đông",
        lines={girl.pk: 2},
    )  # fmt: skip
    client.login(username="officer_a", password=PASSWORD)
    response = client.get(reverse("allocations:distribution-pdf", args=[distribution.pk]))
    text = pdf_text(response.content)
    for expected in (girl.child.code, girl.child.full_name, "DANH SÁCH CẤP PHÁT", "ký nhận", "600.000", "Trao áo ấm"):
        assert expected in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.filters["distribution"]) == (personas.officer_a, 1, distribution.pk)
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PRINTED


def test_anonymising_a_child_removes_why_they_missed_the_day(personas, funded):
    from needs.erasure import ANONYMISED_NAME, child_anonymise

    distribution = _printed(personas, funded)
    boy_line = _line(distribution, funded["boy"])
    outcomes = {line.pk: Outcome(handed_over=True, quantity=line.planned_quantity) for line in distribution.lines.all()}
    outcomes[boy_line.pk] = Outcome(handed_over=False, reason="Cháu ốm nằm viện Bắc Kạn")
    distribution_record(
        user=personas.officer_a, distribution=distribution, outcomes=outcomes, handed_over_by="Cô Hà",
        scan=check_upload(png_upload()),
    )  # fmt: skip
    child_anonymise(child=funded["boy"].child, user=personas.staff, reason="Yêu cầu của người giám hộ")
    boy_line.refresh_from_db()
    assert boy_line.reason == ANONYMISED_NAME
    assert not DistributionLine.history.filter(reason__contains="nằm viện").exists()
