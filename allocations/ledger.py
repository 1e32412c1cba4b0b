"""The public ledger: every sum of money received, searchable the way a donor remembers their transfer, and where
each went (commune, category, children counts; never a child, never a donor who asked not to be named).

One search box reads what people type: a transfer code as written in the transfer (any case, spaces, glued to
other words), an amount the Vietnamese way (`10.000.000`, `10000000 đ`), a day (`25/12/2026`) and a donor's name
with or without diacritics; several at once narrow the search ("Nguyen Van An 500.000"). Received, allocated,
delivered and children reached are donors.figures' and allocations.figures' definitions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum

from allocations.figures import allocations_made, children_reached_per_receipt, delivered_share_expression
from donors.figures import received_receipts
from donors.models import Donor, ReceiptKind
from donors.transfer_codes import CAMPAIGN, TransferCode, find_codes, pledge_code
from needs.models import Category
from portal.dates import parse_day
from portal.money import parse_vnd
from portal.text import collated, fold, nfc

PER_PAGE = 25
SHOWN_DESTINATIONS = 5
COUNT_CACHE_SECONDS = 60
_DAY = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}$")
_AMOUNT = re.compile(r"^\d[\d.,]*(?:đ|đồng|d|dong|vnd|vnđ)?$", re.IGNORECASE)
_SHOWN = (
    "received_on",
    "amount",
    "pledge__donor__name",
    "pledge__donor__anonymous_publicly",
    "pledge__donor__province__code",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CURRENCY = {"đ", "đồng", "d", "dong", "vnd", "vnđ"}


@dataclass
class LedgerSearch:
    """What a search box's text asks for; each kind narrows the list, several values of one kind are alternatives."""

    text: str = ""
    codes: list[TransferCode] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)
    name: str = ""  # folded
    unread: list[str] = field(default_factory=list)  # words that looked like a day or an amount but were not one

    @classmethod
    def parse(cls, text: str) -> LedgerSearch:
        text = " ".join(_CONTROL.sub(" ", nfc(text or "")).split())[:200]  # NUL cannot reach PostgreSQL
        search = cls(text=text)
        names = []
        for word in text.split():
            if _DAY.match(word):
                try:
                    search.days.append(parse_day(word))
                except ValidationError:
                    search.unread.append(word)
            elif codes := find_codes(word):
                search.codes.extend(codes)
            elif _AMOUNT.match(word):
                try:
                    search.amounts.append(parse_vnd(word))
                except ValidationError:
                    search.unread.append(word)
            elif word.lower() not in _CURRENCY:
                names.append(word)
        if not search.codes and (spread := find_codes(text)):
            # A code typed with spaces inside ("TE19 P000 01234"): its pieces are not amounts or a name.
            return cls(text=text, codes=spread)
        # Words beside a code are the rest of a pasted transfer description ("MBVCB.123.<code>.CHUYEN TIEN"):
        # the code alone says whose transfer it is.
        search.name = "" if search.codes else fold(" ".join(names))
        return search

    def __bool__(self):
        return bool(self.codes or self.amounts or self.days or self.name)


class LedgerPaginator(Paginator):
    """Pages of the ledger. Counting every receipt of a province (hundreds of thousands) takes about 100 ms, and
    the unsearched list is the one most visitors open: its count is kept for a minute (`unsearched`)."""

    def __init__(self, *args, unsearched: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unsearched = unsearched

    @cached_property
    def count(self) -> int:
        if self.unsearched:
            return cache.get_or_set("allocations:ledger:count", self.object_list.count, COUNT_CACHE_SECONDS)
        return self.object_list.count()


def _code_filter(code: TransferCode) -> Q:
    if code.kind == CAMPAIGN:
        return Q(pledge__campaign_id=code.number, pledge__campaign__province__code=code.province_code)
    return Q(pledge_id=code.number, pledge__donor__province__code=code.province_code)


def _any(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def ledger_receipts(search: LedgerSearch):
    """Money RECEIVED (cancelled receipts never), newest first, narrowed by the search. A name finds only donors
    who agreed to be named publicly: searching for an anonymous donor's name finds nothing."""
    receipts = received_receipts().filter(kind=ReceiptKind.MONEY)
    if search.codes:
        receipts = receipts.filter(_any(_code_filter(code) for code in search.codes))
    if search.amounts:
        receipts = receipts.filter(amount__in=search.amounts)
    if search.days:
        receipts = receipts.filter(received_on__in=search.days)
    if search.name:
        named = Donor.objects.filter(anonymous_publicly=False, name_key__contains=search.name)
        receipts = receipts.filter(pledge__donor__in=named)
    return receipts.select_related("pledge__donor__province").only(*_SHOWN).order_by("-received_on", "-id")


def ledger_rows(receipts) -> list[dict]:
    """One page of `ledger_receipts` as plain data (the page and the API show the same): per receipt its day,
    amount, donor's name (None when the donor asked for anonymity), transfer code and where it went, in four
    queries whatever the page's length."""
    receipts = list(receipts)
    ids = [receipt.pk for receipt in receipts]
    allocations = allocations_made().filter(receipt_id__in=ids)
    destinations: dict[int, dict[tuple, dict]] = defaultdict(dict)
    rows = (
        allocations.values("receipt_id", "need__commune__name", "need__category")
        .annotate(allocated=Sum("amount"), delivered=Sum(delivered_share_expression()))
        .order_by("receipt_id", collated("need__commune__name"), "need__category")
    )
    for row in rows:
        key = (row["need__commune__name"], row["need__category"])
        destinations[row["receipt_id"]][key] = {
            "commune": key[0],
            "category": str(Category(key[1]).label),
            "allocated": row["allocated"],
            "delivered": row["delivered"] or 0,
            "children": 0,
        }
    for (receipt_id, commune, category), reached in children_reached_per_receipt(
        allocations, ("commune__name", "category")
    ).items():
        destinations[receipt_id][(commune, category)]["children"] = reached
    result = []
    for receipt in receipts:
        donor = receipt.pledge.donor
        went = list(destinations[receipt.pk].values())
        largest = set(map(id, sorted(went, key=lambda entry: -entry["allocated"])[:SHOWN_DESTINATIONS]))
        others = [entry for entry in went if id(entry) not in largest]
        result.append(
            {
                "received_on": receipt.received_on,
                "amount": receipt.amount,
                "donor": None if donor.anonymous_publicly else donor.name,
                "code": str(pledge_code(receipt.pledge)),
                "destinations": went,
                # The page lists the largest few (a company's gift may reach a hundred communes and categories);
                # the rest are summed in one line. The API gives them all.
                "shown": [entry for entry in went if id(entry) in largest],
                "others": {
                    "count": len(others),
                    "allocated": sum(entry["allocated"] for entry in others),
                    "delivered": sum(entry["delivered"] for entry in others),
                },
                "unallocated": receipt.amount - sum(entry["allocated"] for entry in went),
            }
        )
    return result
