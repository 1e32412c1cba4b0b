"""Benchmark-scale donors, pledges and receipts (`seed_demo --size large`), loaded with COPY.

At scale 1: 5,000 donors and 20,000 pledges, sized so that the money received covers the needs the
generated data shows as funded (the allocations generator then spends it). Mostly cash; earmarks on a
quarter of the pledges. Donor names carry the prefix "LG " and are generated once.
"""

import datetime as dt
import json
import math

from django.utils import timezone

from donors.models import Donor, DonorType, PaymentMethod, Pledge, PledgeKind, PledgeStatus, Receipt, ReceiptKind
from needs.models import Category, NeedStatus
from portal.bulk import copy_rows, next_ids
from portal.text import fold

DONORS = 5_000
PLEDGES = 20_000
NAME_PREFIX = "LG "
# type → (weight, relative size of its pledges)
TYPE_MIX = {
    DonorType.COMPANY: (35, 12.0),
    DonorType.INDIVIDUAL: (40, 1.0),
    DonorType.ORGANISATION: (10, 8.0),
    DonorType.CHARITY_FUND: (6, 10.0),
    DonorType.STATE_AGENCY: (5, 6.0),
    DonorType.FOREIGN: (4, 15.0),
}
STATUS_MIX = [
    (PledgeStatus.RECEIVED, 70),
    (PledgeStatus.PARTLY_RECEIVED, 15),
    (PledgeStatus.PLEDGED, 8),
    (PledgeStatus.PENDING, 2),
    (PledgeStatus.CANCELLED, 2),
    (PledgeStatus.LAPSED, 3),
]
FUNDED = {NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED}
COMPANY_WORDS = ["Minh Phát", "Hưng Thịnh", "An Khang", "Thái Bình", "Đại Việt", "Phú Gia", "Trường Sơn", "Hoàng Long"]
PERSON_NAMES = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Vũ Thị Hoa", "Đỗ Đức Giang"]


def seed(context):
    if Donor.objects.filter(province=context.data["province"], name__startswith=NAME_PREFIX).exists():
        context.stdout.write("Benchmark-scale donors already present; left as they are.")
        return
    rng = context.rng
    needs = context.data.get("large", {}).get("needs", [])
    # What is received covers every need shown as funded, with a tenth to spare for earmarks.
    needed = sum(cost for _id, _commune, _category, status, cost, _priority in needs if status in FUNDED)
    donors = _donors(context)
    pledges = _pledges(context, donors, received_target=max(needed, 1) * 1.1)
    receipts = _receipts(rng, pledges)
    context.data["large"].update(receipts=receipts)
    context.stdout.write(f"Generated {len(donors):,} donors, {len(pledges):,} pledges, {len(receipts):,} receipts.")


def _donors(context) -> list[tuple[int, str]]:
    rng = context.rng
    count = math.ceil(DONORS * context.scale)
    types = list(TYPE_MIX)
    weights = [TYPE_MIX[t][0] for t in types]
    now = timezone.now()
    province_id = context.data["province"].pk
    rows, summary = [], []
    for number, donor_id in enumerate(next_ids(Donor, count), start=1):
        # The first donors take each type in turn, so every type exists even at a small scale.
        donor_type = types[number - 1] if number <= len(types) else rng.choices(types, weights=weights)[0]
        if donor_type == DonorType.INDIVIDUAL:
            name = f"{NAME_PREFIX}{rng.choice(PERSON_NAMES)} {number}"
        else:
            name = f"{NAME_PREFIX}{donor_type.label} {rng.choice(COMPANY_WORDS)} {number}"
        tax_code = "" if donor_type == DonorType.INDIVIDUAL else f"{4600000000 + number}"
        country = "JP" if donor_type == DonorType.FOREIGN else "VN"
        anonymous = rng.random() < 0.1
        rows.append(
            (
                donor_id,
                province_id,
                donor_type,
                name,
                fold(name),
                tax_code,
                country,
                "",
                "",
                "",
                anonymous,
                "",
                now,
                now,
            )
        )
        summary.append((donor_id, donor_type))
    copy_rows(
        Donor,
        [
            "id",
            "province_id",
            "type",
            "name",
            "name_key",
            "tax_code",
            "country",
            "address",
            "email",
            "phone",
            "anonymous_publicly",
            "notes",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    return summary


def _pledges(context, donors, *, received_target: float) -> list[tuple]:
    """Returns (id, status, amount, amount received, earmarked category or None) per pledge."""
    rng = context.rng
    count = math.ceil(PLEDGES * context.scale)
    statuses = [status for status, _w in STATUS_MIX]
    status_weights = [weight for _s, weight in STATUS_MIX]
    draws = []
    for _ in range(count):
        donor_id, donor_type = rng.choice(donors)
        status = rng.choices(statuses, weights=status_weights)[0]
        fraction = {PledgeStatus.RECEIVED: 1.0, PledgeStatus.PARTLY_RECEIVED: rng.uniform(0.3, 0.8)}.get(status, 0.0)
        draws.append((donor_id, TYPE_MIX[donor_type][1] * rng.lognormvariate(0, 0.8), status, fraction))
    # Scale the sizes so that what is received, not what is promised, meets the target.
    per_unit = received_target / (sum(size * fraction for _donor, size, _status, fraction in draws) or 1)
    categories = list(Category.values)
    now = timezone.now()
    rows, summary = [], []
    for pledge_id, (donor_id, size, status, fraction) in zip(next_ids(Pledge, count), draws, strict=True):
        amount = max(1_000_000, int(round(size * per_unit, -5)))
        received = amount if fraction == 1.0 else int(round(amount * fraction, -3))
        pledged_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 660))
        earmark = [rng.choice(categories)] if rng.random() < 0.25 else []
        rows.append(
            (
                pledge_id,
                donor_id,
                PledgeKind.CASH,
                amount,
                pledged_on,
                pledged_on + dt.timedelta(days=90),
                json.dumps(earmark),
                "[]",
                status,
                "",
                now,
                False,
            )
        )
        summary.append((pledge_id, status, amount, received, earmark[0] if earmark else None))
    copy_rows(
        Pledge,
        [
            "id",
            "donor_id",
            "kind",
            "amount",
            "pledged_on",
            "receive_by",
            "earmark_categories",
            "earmark_age_bands",
            "status",
            "note",
            "created_at",
            "anonymous_gifts",
        ],
        rows,
    )
    return summary


def _receipts(rng, pledges) -> list[tuple[int, int, int]]:
    """Money received: in full (one or two transfers) or in part.

    Returns (id, pledge_id, amount, earmarked category or None) per receipt."""
    planned = []
    for pledge_id, status, _amount, received, earmark in pledges:
        if status == PledgeStatus.RECEIVED and rng.random() < 0.3:
            first = int(round(received * rng.uniform(0.3, 0.7), -3))
            planned += [(pledge_id, first, earmark), (pledge_id, received - first, earmark)]
        elif received:
            planned.append((pledge_id, received, earmark))
    now = timezone.now()
    rows, summary = [], []
    for receipt_id, (pledge_id, amount, earmark) in zip(next_ids(Receipt, len(planned)), planned, strict=True):
        received_on = dt.date(2025, 2, 1) + dt.timedelta(days=rng.randint(0, 640))
        reference = f"FT{received_on:%y%m%d}{receipt_id:08d}"
        method = PaymentMethod.BANK_TRANSFER
        rows.append((receipt_id, pledge_id, ReceiptKind.MONEY, received_on, amount, method, reference, False, "", now))
        summary.append((receipt_id, pledge_id, amount, earmark))
    copy_rows(
        Receipt,
        [
            "id",
            "pledge_id",
            "kind",
            "received_on",
            "amount",
            "method",
            "bank_reference",
            "beyond_pledge_confirmed",
            "note",
            "recorded_at",
        ],
        rows,
    )
    return summary
