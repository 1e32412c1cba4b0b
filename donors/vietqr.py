"""VietQR: the bank-transfer QR code every Vietnamese banking app scans, for a pledge or a campaign.

The payload is an EMVCo merchant-presented QR as NAPAS publishes it for transfers to an account ("QR chuyển
nhanh 24/7 đến tài khoản"): a list of ID, two-digit length, value fields —
  00 payload format "01"; 01 point of initiation, "11" static (the payer types the amount) or "12" (an amount
  is given); 38 merchant account information = 00 the NAPAS GUID A000000727, 01 the beneficiary organisation
  (00 the bank's BIN, 01 the account number) and 02 the service code QRIBFTTA; 53 currency "704" (VND);
  54 the amount in whole đồng, when known; 58 country "VN"; 62 additional data with 08 the purpose of the
  transfer (what the bank writes in the statement line's description: here the transfer code); and last
  63 the CRC-16/CCITT-FALSE of everything before its value, "6304" included, in four upper-case hex digits.

Written here rather than taken from PyPI: the Python packages that build it (vietqr-emvco, napas-qr-python,
vietnam-qr-pay) are one-author releases without a maintenance record, and the format is the fifty lines below;
tests/donors/test_vietqr.py checks them against payloads published by the maintained JavaScript library
(xuannghia/vietnam-qr-pay) and the Go one (subiz/vietqr).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from donors.transfer_codes import TransferCode
from portal.qr import qr_data_uri, qr_svg

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
STATIC, WITH_AMOUNT = "11", "12"
CURRENCY_VND = "704"
MAX_AMOUNT_DIGITS = 13  # field 54 holds at most 13 characters
MAX_PURPOSE = 25  # field 62-08: what every bank keeps of the description

# Short names of the banks a province's charity account is likely to be in, by NAPAS BIN; others are shown by BIN.
BANK_NAMES = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB",
    "970416": "ACB",
    "970432": "VPBank",
    "970403": "Sacombank",
    "970443": "SHB",
    "970449": "LPBank",
    "970437": "HDBank",
    "970423": "TPBank",
    "970441": "VIB",
    "970440": "SeABank",
    "970426": "MSB",
    "970448": "OCB",
    "970431": "Eximbank",
}


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} holds at most 99 characters.")
    return f"{tag}{len(value):02d}{value}"


def vietqr_payload(*, bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR text for a transfer to `account` at the bank `bin`, of `amount` đồng when given, with `purpose`
    as the transfer's description."""
    if not re.fullmatch(r"\d{6}", bin):
        raise ValueError("A bank BIN is six digits.")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account):
        raise ValueError("An account number is 1 to 19 letters or digits.")
    if amount is not None and not (amount > 0 and len(str(amount)) <= MAX_AMOUNT_DIGITS):
        raise ValueError("An amount is a positive number of đồng of at most 13 digits.")
    if len(purpose) > MAX_PURPOSE or not purpose.isascii():
        raise ValueError("The purpose is at most 25 characters without diacritics.")
    beneficiary = _field("00", bin) + _field("01", account)
    merchant = _field("00", NAPAS_GUID) + _field("01", beneficiary) + _field("02", SERVICE_TO_ACCOUNT)
    body = (
        _field("00", "01")
        + _field("01", WITH_AMOUNT if amount else STATIC)
        + _field("38", merchant)
        + _field("53", CURRENCY_VND)
        + (_field("54", str(amount)) if amount else "")
        + _field("58", "VN")
        + (_field("62", _field("08", purpose)) if purpose else "")
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


@dataclass(frozen=True)
class Transfer:
    """What a donor needs to pay in: the QR and the same details written out for typing by hand."""

    bank_bin: str
    account_number: str
    account_name: str
    code: str
    amount: int | None
    payload: str

    @property
    def bank_name(self) -> str:
        return BANK_NAMES.get(self.bank_bin, "")

    @property
    def svg(self) -> str:
        return qr_svg(self.payload, box_size=6)

    @property
    def data_uri(self) -> str:
        return qr_data_uri(self.payload)


def transfer_to(agency, code: TransferCode, amount: int | None = None) -> Transfer | None:
    """The transfer into the agency's charity account with this code, or None while no account is entered."""
    if agency is None or not (agency.bank_bin and agency.bank_account_number):
        return None
    amount = amount if amount and amount > 0 else None
    payload = vietqr_payload(bin=agency.bank_bin, account=agency.bank_account_number, amount=amount, purpose=str(code))
    return Transfer(
        bank_bin=agency.bank_bin,
        account_number=agency.bank_account_number,
        account_name=agency.bank_account_name,
        code=str(code),
        amount=amount,
        payload=payload,
    )
