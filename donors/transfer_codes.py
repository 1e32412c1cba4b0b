"""Transfer codes: what a donor writes in a bank transfer's description so the statement line finds its pledge.

A code reads `TE19P00001234`: "TE" (trẻ em), the province's two-digit code, what it pays into (`P` a pledge,
`C` a campaign, which is also how an appeal is paid into), the record's number on seven digits, and a Luhn
check digit over everything before it (13 characters: banks keep 25 or more). Banks upper-case the
description, strip diacritics, drop spaces and punctuation or glue words to it
("MBVCB.123.TE19P00001234.CHUYEN TIEN"), so the code is letters and digits only and is found anywhere in the
text; the check digit keeps a mistyped digit, or an account number that happens to look like a code, from
paying into someone else's pledge. The code is computed from the record, never stored: it cannot drift from
the record it names.
"""

import re
from dataclasses import dataclass

PREFIX = "TE"
PLEDGE = "P"
CAMPAIGN = "C"
_NUMBER_WIDTH = 7  # fixed, so digits glued after a code never change which number it reads
_PATTERN = re.compile(rf"{PREFIX}(\d{{2}})([{PLEDGE}{CAMPAIGN}])(\d{{{_NUMBER_WIDTH}}})(\d)")


@dataclass(frozen=True)
class TransferCode:
    province_code: str
    kind: str  # PLEDGE or CAMPAIGN
    number: int

    def __post_init__(self):
        if not 0 < self.number < 10**_NUMBER_WIDTH:
            raise ValueError(f"A transfer code numbers records 1 to {10**_NUMBER_WIDTH - 1}, not {self.number}.")

    def __str__(self):
        body = f"{PREFIX}{self.province_code}{self.kind}{self.number:0{_NUMBER_WIDTH}d}"
        return body + str(_luhn_check_digit(body))


def pledge_code(pledge) -> TransferCode:
    return TransferCode(pledge.donor.province.code, PLEDGE, pledge.pk)


def campaign_code(campaign) -> TransferCode:
    return TransferCode(campaign.province.code, CAMPAIGN, campaign.pk)


def find_codes(text: str) -> list[TransferCode]:
    """Every valid code in a statement line's description, in order, each once."""
    compact = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    found = []
    for start in range(len(compact)):
        match = _PATTERN.match(compact, start)
        if match is None:
            continue
        province, kind, number, check = match.groups()
        code = TransferCode(province, kind, int(number)) if int(number) else None
        if code and _luhn_check_digit(match.group(0)[:-1]) == int(check) and code not in found:
            found.append(code)
    return found


def _luhn_check_digit(body: str) -> int:
    """Luhn over the body's characters, letters read as their value in base 36 (as ISO 7064 does)."""
    digits = [int(d) for ch in body for d in str(int(ch, 36))]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10
