"""Writes for bank statements: upload, column mapping, import (deduplicated), automatic and manual matching.

Every receipt a statement line makes goes through donors.services (receipt_record one by one, receipt_bulk_record
for the automatic matching of a whole statement), so the pledge's rules, status events and history hold as for a
receipt typed by hand. Locks are taken line first, then pledge (the order receipt_record locks in after that).
A line is matched once: its row is locked and re-checked, and the database refuses a second part 1 of a line
(StatementMatch) and a second confirmation of one receipt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donors import services
from donors.figures import awaiting_statement
from donors.models import (
    MARKED_STATUSES,
    Campaign,
    Donor,
    DonorType,
    ImportStatus,
    LineStatus,
    PaymentMethod,
    Pledge,
    PledgeKind,
    Receipt,
    ReceiptKind,
    StatementFormat,
    StatementImport,
    StatementLine,
    StatementMatch,
    Suggestion,
)
from donors.statements.parsing import Mapping, StatementError, parse, sniff_kind
from donors.transfer_codes import CAMPAIGN, PLEDGE, find_codes
from portal.bulk import CHANGED, copy_rows, history_copy
from portal.models import AdministrativeUnit, Agency
from portal.money import format_vnd
from portal.permissions import Perm
from portal.scoping import scope_for

CHUNK = 5000
ANONYMOUS_DONOR_NAME = "Người ủng hộ không để lại tên"


class StatementRefused(Exception):
    """A matching or marking that cannot be done, with a message for staff."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


def _require(actor, province_id: int) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_DONORS, province_id):
        raise PermissionDenied


def account_of(agency: Agency | None) -> str:
    """The key of the province's charity account statements are stored under; empty while none is entered."""
    if agency is None or not agency.bank_account_number:
        return ""
    return f"{agency.bank_bin}:{agency.bank_account_number}"


# --- Upload and mapping ---------------------------------------------------------------------------------------


@transaction.atomic
def statement_upload(*, actor, province, data: bytes, original_name: str, mapping: Mapping, statement_format=None):
    """Store an uploaded statement (checked: .xlsx or .csv by content, size) with the mapping to read it with.

    Nothing is imported yet: staff see the preview and start the import (statement_import_start)."""
    _require(actor, province.pk)
    account = account_of(Agency.objects.filter(province=province).first())
    if not account:
        raise StatementRefused(
            _("Chưa có tài khoản tiếp nhận của tỉnh (thông tin cơ quan): chưa thể nhập sao kê."), code="no_account"
        )
    try:
        kind = sniff_kind(data)
    except StatementError as error:
        raise StatementRefused(" ".join(error.messages), code="bad_file") from None
    statement = StatementImport(
        province=province,
        account=account,
        format=statement_format,
        mapping={**mapping.as_dict(), "kind": kind},
        original_name=original_name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=actor,
    )
    statement.file.save(f"{statement.sha256[:16]}.{kind}", ContentFile(data), save=False)
    statement.save()
    return statement


@transaction.atomic
def statement_mapping_set(*, actor, statement_id: int, mapping: Mapping, save_as: str = "") -> StatementImport:
    """Change how a statement not yet imported is read; with `save_as`, keep the mapping for the province under that
    bank's name (replacing the one saved under it), offered at the next upload."""
    statement = StatementImport.objects.select_for_update().get(pk=statement_id)
    _require(actor, statement.province_id)
    if statement.status not in (ImportStatus.UPLOADED, ImportStatus.FAILED):
        raise StatementRefused(_("Sao kê này đã được nhập; không đổi cách đọc được nữa."), code="imported")
    if save_as.strip():
        mapping = Mapping.from_dict({**mapping.as_dict(), "name": save_as.strip()[:80]})
        statement.format, _created = StatementFormat.objects.update_or_create(
            province_id=statement.province_id,
            name=mapping.name,
            defaults=dict(
                header_row=mapping.header_row,
                date_column=mapping.date,
                credit_column=mapping.credit,
                debit_column=mapping.debit,
                description_column=mapping.description,
                reference_column=mapping.reference,
                balance_column=mapping.balance,
                date_format=mapping.date_format,
                number_format=mapping.number_format,
            ),
        )
    statement.mapping = {**mapping.as_dict(), "kind": statement.mapping.get("kind")}
    statement.status, statement.errors = ImportStatus.UPLOADED, []
    statement.save(update_fields=["mapping", "format", "status", "errors"])
    return statement


def statement_import_start(*, actor, statement_id: int, in_process: bool = False) -> StatementImport:
    """Queue the import (a Celery task: a bank's month can hold tens of thousands of lines); `in_process` runs it
    here and now instead (the demo data and the benchmark)."""
    from donors.tasks import import_statement

    with transaction.atomic():
        statement = StatementImport.objects.select_for_update().get(pk=statement_id)
        _require(actor, statement.province_id)
        if statement.status not in (ImportStatus.UPLOADED, ImportStatus.FAILED):
            raise StatementRefused(_("Sao kê này đang được nhập hoặc đã nhập xong."), code="imported")
        statement.status, statement.progress, statement.errors = ImportStatus.QUEUED, 0, []
        statement.save(update_fields=["status", "progress", "errors"])
        if not in_process:
            transaction.on_commit(lambda: import_statement.delay(statement.pk))
    if in_process:
        return statement_import_run(statement_id=statement.pk)
    return statement


# --- Import ---------------------------------------------------------------------------------------------------


def _progress(statement_id: int, percent: int) -> None:
    StatementImport.objects.filter(pk=statement_id).update(progress=percent)


def statement_import_run(*, statement_id: int) -> StatementImport | None:
    """The import itself (the task calls it): claim the statement, read every line, store the new credits in one
    transaction (all or nothing; the ones already stored are counted as duplicates), then match the lines that
    carry a transfer code, chunk by chunk. Progress is saved as it goes, for the statement's page.

    Safe to run twice: the claim is a conditional update, and a line is stored once per account by its key."""
    claimed = StatementImport.objects.filter(pk=statement_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, progress=5
    )
    if not claimed:
        return None
    statement = StatementImport.objects.get(pk=statement_id)
    try:
        with statement.file.open("rb") as stored:
            data = stored.read()
        parsed = parse(data, statement.mapping.get("kind", "xlsx"), Mapping.from_dict(statement.mapping))
    except (StatementError, OSError) as error:
        return _fail(statement, getattr(error, "messages", None) or [str(error)])
    if parsed.errors:
        return _fail(statement, parsed.errors)
    _progress(statement_id, 40)
    try:
        with transaction.atomic():
            new_ids = _store_lines(statement, parsed.lines)
        _progress(statement_id, 60)
        # The lines of this statement still waiting, also those a failed attempt stored and never matched.
        waiting = list(
            StatementLine.objects.filter(statement=statement, status=LineStatus.UNMATCHED, suggestion="")
            .order_by("row")
            .values_list("pk", flat=True)
        )
        matched = 0
        for start in range(0, len(waiting), CHUNK):
            matched += statement_lines_auto_match(line_ids=waiting[start : start + CHUNK])
            _progress(statement_id, 60 + 39 * min(len(waiting), start + CHUNK) // max(len(waiting), 1))
    except Exception as error:
        _fail(statement, [repr(error)])
        raise
    days = [line.booked_on for line in parsed.lines]
    statement.counts = {
        "credits": len(parsed.lines),
        "new": len(new_ids),
        "duplicates": len(parsed.lines) - len(new_ids),
        "debits": parsed.debits,
        "matched": matched,
        "queued": len(new_ids) - matched,
    }
    statement.first_day, statement.last_day = min(days), max(days)
    statement.status, statement.progress, statement.finished_at = ImportStatus.DONE, 100, timezone.now()
    statement.save(update_fields=["counts", "first_day", "last_day", "status", "progress", "finished_at"])
    return statement


def _fail(statement: StatementImport, errors: list[str]) -> StatementImport:
    statement.status, statement.errors, statement.progress = ImportStatus.FAILED, [str(e) for e in errors], 0
    statement.finished_at = timezone.now()
    statement.save(update_fields=["status", "errors", "progress", "finished_at"])
    return statement


def _store_lines(statement: StatementImport, lines) -> list[int]:
    """Insert the credits this account has not stored yet; the ids of those inserted, in the file's order.

    The keys already stored are left out first; a line another upload stores at the same moment makes the COPY
    fail on the unique (account, key), and the lines are then inserted with ON CONFLICT DO NOTHING instead."""
    keys = [line.key for line in lines]
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        known.update(
            StatementLine.objects.filter(account=statement.account, key__in=keys[start : start + CHUNK]).values_list(
                "key", flat=True
            )
        )
    new = [line for line in lines if line.key not in known]
    if not _copy_lines(statement, new):
        StatementLine.objects.bulk_create(
            [
                StatementLine(
                    province_id=statement.province_id,
                    account=statement.account,
                    key=line.key,
                    statement=statement,
                    row=line.row,
                    booked_on=line.booked_on,
                    amount=line.amount,
                    description=line.description,
                    bank_reference=line.reference,
                    balance=line.balance,
                )
                for line in new
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    ids = list(StatementLine.objects.filter(statement=statement).order_by("row").values_list("pk", flat=True))
    history_copy(StatementLine, ids, user=statement.uploaded_by, reason=_("Nhập sao kê %(name)s") % {"name": statement})
    return ids


def _copy_lines(statement: StatementImport, new) -> bool:
    """COPY the new lines (a 50,000-line statement in a second, where INSERTs took several); False when another
    upload stored some of them meanwhile (the unique key refuses the COPY) or the database has no COPY."""
    columns = ["province_id", "account", "key", "statement_id", "row", "booked_on", "amount", "description"]
    columns += ["bank_reference", "balance", "status", "reason", "suggestion", "auto"]
    if connection.vendor != "postgresql":  # the newcomer's SQLite has no COPY
        return False
    try:
        with transaction.atomic():
            copy_rows(
                StatementLine,
                columns,
                [
                    (
                        statement.province_id,
                        statement.account,
                        line.key,
                        statement.pk,
                        line.row,
                        line.booked_on,
                        line.amount,
                        line.description,
                        line.reference,
                        line.balance,
                        LineStatus.UNMATCHED,
                        "",
                        "",
                        False,
                    )
                    for line in new
                ],
            )
    except IntegrityError:
        return False
    return True


# --- Automatic matching ---------------------------------------------------------------------------------------


@dataclass
class _Target:
    pledge_id: int | None = None
    campaign_id: int | None = None
    suggestion: str = ""


def _targets(lines: list[StatementLine]) -> dict[int, _Target]:
    """What each line's first transfer code of its province names: a pledge, a campaign, or nothing known."""
    wanted: dict[int, tuple] = {}
    for line in lines:
        codes = find_codes(line.description)
        if codes:
            wanted[line.pk] = codes
    province_codes = dict(
        AdministrativeUnit.objects.filter(pk__in={line.province_id for line in lines}).values_list("pk", "code")
    )
    pledge_numbers = {c.number for codes in wanted.values() for c in codes if c.kind == PLEDGE}
    campaign_numbers = {c.number for codes in wanted.values() for c in codes if c.kind == CAMPAIGN}
    pledges = dict(Pledge.objects.filter(pk__in=pledge_numbers).values_list("pk", "donor__province_id"))
    campaigns = dict(Campaign.objects.filter(pk__in=campaign_numbers).values_list("pk", "province_id"))
    targets = {}
    for line in lines:
        codes = wanted.get(line.pk)
        if not codes:
            continue
        target = _Target(suggestion=Suggestion.UNKNOWN_CODE)
        for code in codes:
            if code.province_code != province_codes[line.province_id]:
                continue
            if code.kind == PLEDGE and pledges.get(code.number) == line.province_id:
                target = _Target(pledge_id=code.number)
                break
            if code.kind == CAMPAIGN and campaigns.get(code.number) == line.province_id:
                target = _Target(campaign_id=code.number)
                break
        targets[line.pk] = target
    return targets


def statement_lines_auto_match(*, line_ids: list[int], actor=None) -> int:
    """Match the unmatched lines among `line_ids` whose description carries a transfer code; the number matched.

    A pledge code makes a receipt on that pledge (or confirms a receipt typed by hand on it for the same amount,
    not yet seen on a statement). A campaign code makes a receipt on the campaign's anonymous-gifts pledge
    (campaign_gifts_pledge). A line the rules refuse (the pledge pending, cancelled or lapsed; more than it still
    awaits; an unknown code) stays in the queue with why and the pledge its code names. Lines locked by someone
    matching them by hand at this moment are left to them (SKIP LOCKED)."""
    with transaction.atomic():
        lines = list(
            StatementLine.objects.select_for_update(skip_locked=True)
            .filter(pk__in=line_ids, status=LineStatus.UNMATCHED)
            .order_by("booked_on", "pk")
        )
        targets = _targets(lines)
        if not targets:
            return 0
        by_line = {line.pk: line for line in lines}
        campaign_pledges = {}
        for campaign_id in sorted({t.campaign_id for t in targets.values() if t.campaign_id}):
            gifts = [by_line[pk] for pk, t in targets.items() if t.campaign_id == campaign_id]
            campaign_pledges[campaign_id] = campaign_gifts_pledge(
                campaign_id=campaign_id, amount=sum(line.amount for line in gifts), first_day=gifts[0].booked_on
            )
        for target in targets.values():
            if target.campaign_id:
                target.pledge_id = campaign_pledges[target.campaign_id]
        coded = [by_line[pk] for pk in targets if targets[pk].pledge_id]
        confirmed = _confirm_typed_receipts(coded, targets)
        to_receive = [line for line in coded if line.pk not in confirmed]
        reason = _("Tự động khớp sao kê theo mã chuyển khoản")
        made, refused = services.receipt_bulk_record(
            actor=actor,
            rows=[
                {
                    "pledge_id": targets[line.pk].pledge_id,
                    "amount": line.amount,
                    "received_on": line.booked_on,
                    "bank_reference": line.bank_reference,
                    "note": line.description[:250],
                }
                for line in to_receive
            ],
            reason=reason,
        )
        matches = [
            StatementMatch(line=line, part=1, receipt=receipt, amount=line.amount, confirmed_existing=True)
            for line, receipt in confirmed.values()
        ]
        matches += [
            StatementMatch(line=to_receive[i], part=1, receipt=receipt, amount=receipt.amount)
            for i, receipt in made.items()
        ]
        if connection.vendor == "postgresql":
            copy_rows(
                StatementMatch,
                ["line_id", "part", "receipt_id", "amount", "confirmed_existing"],
                ((m.line.pk, m.part, m.receipt.pk, m.amount, m.confirmed_existing) for m in matches),
            )
        else:
            StatementMatch.objects.bulk_create(matches, batch_size=500)
        matched_ids = [match.line.pk for match in matches]
        # One UPDATE per outcome rather than bulk_update, whose CASE per row costs quadratic time at 5,000 rows.
        StatementLine.objects.filter(pk__in=matched_ids).update(
            status=LineStatus.MATCHED, auto=True, decided_at=timezone.now(), decided_by=actor, suggestion=""
        )
        history_copy(StatementLine, matched_ids, user=actor, reason=reason, change=CHANGED)
        refusals = {to_receive[i].pk: code for i, code in refused.items()}
        left: dict[tuple, list[int]] = {}
        done = set(matched_ids)
        for pk, target in targets.items():
            if pk in done:
                continue
            code = refusals.get(pk)
            suggestion = (
                Suggestion.BEYOND_PLEDGE if code == "beyond_pledge" else target.suggestion or Suggestion.NOT_RECEIVABLE
            )
            pledge_id = None if target.campaign_id else target.pledge_id
            left.setdefault((suggestion, pledge_id), []).append(pk)
        for (suggestion, pledge_id), ids in left.items():
            StatementLine.objects.filter(pk__in=ids).update(suggestion=suggestion, suggested_pledge_id=pledge_id)
        return len(matched_ids)


def _confirm_typed_receipts(lines, targets) -> dict[int, tuple[StatementLine, Receipt]]:
    """Lines that confirm a receipt typed by hand on their pledge for the same amount and not yet on a statement,
    oldest receipt first: {line id: (line, receipt)}."""
    pledge_ids = {targets[line.pk].pledge_id for line in lines}
    waiting: dict[tuple[int, int], list[Receipt]] = {}
    for receipt in awaiting_statement(Receipt.objects.filter(pledge_id__in=pledge_ids)).order_by("received_on", "pk"):
        waiting.setdefault((receipt.pledge_id, receipt.amount), []).append(receipt)
    confirmed = {}
    for line in lines:
        candidates = waiting.get((targets[line.pk].pledge_id, line.amount))
        if candidates:
            confirmed[line.pk] = (line, candidates.pop(0))
    return confirmed


def campaign_gifts_pledge(*, campaign_id: int, amount: int, first_day) -> int:
    """The pledge that collects gifts sent with a campaign's code by people who made no pledge, its amount raised
    by `amount` (what is arriving now): such gifts promise exactly what they bring. Created with the first gift, on
    the province's donor "Người ủng hộ không để lại tên", who is never named publicly. Returns its id.

    A receipt needs a pledge; one pledge per campaign (a database constraint) keeps the campaign's small gifts
    together, each gift its own receipt with the bank's line, so the public ledger lists them one by one."""
    pledge = Pledge.objects.select_for_update().filter(campaign_id=campaign_id, anonymous_gifts=True).first()
    if pledge is not None:
        pledge.amount += amount
        pledge._change_reason = _("Quà tặng theo mã đợt vận động")
        pledge.save(update_fields=["amount"])
        return pledge.pk
    campaign = Campaign.objects.get(pk=campaign_id)
    donor, _created = Donor.objects.get_or_create(
        province_id=campaign.province_id,
        name=ANONYMOUS_DONOR_NAME,
        defaults=dict(type=DonorType.INDIVIDUAL, anonymous_publicly=True),
    )
    pledge = Pledge(
        donor=donor,
        campaign=campaign,
        kind=PledgeKind.CASH,
        amount=amount,
        pledged_on=min(first_day, timezone.localdate()),
        anonymous_gifts=True,
        note=_("Quà tặng không kèm cam kết, chuyển khoản theo mã của đợt vận động."),
    )
    try:
        with transaction.atomic():
            services.pledge_create(pledge=pledge, actor=None, reason=_("Quà tặng đầu tiên theo mã đợt vận động"))
    except IntegrityError:  # another import created it at this moment: use that one
        return campaign_gifts_pledge(campaign_id=campaign_id, amount=amount, first_day=first_day)
    return pledge.pk


# --- Matching by hand -----------------------------------------------------------------------------------------


def _lock_line(line_id: int, actor) -> StatementLine:
    line = StatementLine.objects.select_for_update().get(pk=line_id)
    _require(actor, line.province_id)
    if line.status != LineStatus.UNMATCHED:
        raise StatementRefused(
            _("Dòng sao kê này đã được xử lý (%(status)s).") % {"status": line.get_status_display()}, code="decided"
        )
    return line


@transaction.atomic
def statement_line_match(
    *, line_id: int, actor, parts: list[tuple[int, int]], confirm_beyond_pledge: bool = False
) -> list[Receipt]:
    """Match a line to one pledge, or split it across several: `parts` are (pledge id, amount) and must add up to
    the line's amount to the đồng. Each part confirms a receipt typed by hand on that pledge for the same amount
    and not yet on a statement, or else records a new receipt (donors.services.receipt_record, dated by the line).

    Raises StatementRefused, or donors.services.PledgeError (BeyondPledge…) for a part the pledge refuses; nothing
    is saved then."""
    line = _lock_line(line_id, actor)
    parts = [(pledge_id, amount) for pledge_id, amount in parts if pledge_id]
    if not parts:
        raise StatementRefused(_("Chọn cam kết để khớp dòng sao kê."), code="no_parts")
    if any(amount is None or amount <= 0 for _pledge, amount in parts):
        raise StatementRefused(_("Mỗi phần phải có số tiền lớn hơn 0."), code="amount_required")
    total = sum(amount for _pledge, amount in parts)
    if total != line.amount:
        raise StatementRefused(
            _("Các phần cộng lại %(total)s, khác số tiền của dòng sao kê %(amount)s (lệch %(gap)s).")
            % {
                "total": format_vnd(total),
                "amount": format_vnd(line.amount),
                "gap": format_vnd(abs(line.amount - total)),
            },
            code="parts_sum",
        )
    allowed = set(
        Pledge.objects.filter(pk__in=[p for p, _a in parts], donor__province_id=line.province_id).values_list(
            "pk", flat=True
        )
    )
    if any(pledge_id not in allowed for pledge_id, _a in parts):
        raise StatementRefused(_("Chỉ khớp được với cam kết của nhà tài trợ trong tỉnh."), code="foreign_pledge")
    receipts = []
    for number, (pledge_id, amount) in enumerate(parts, start=1):
        typed = (
            awaiting_statement(Receipt.objects.filter(pledge_id=pledge_id, amount=amount))
            .select_for_update(of=("self",), no_key=True)
            .order_by("received_on", "pk")
            .first()
        )
        receipt = typed or services.receipt_record(
            pledge_id=pledge_id,
            actor=actor,
            kind=ReceiptKind.MONEY,
            received_on=line.booked_on,
            amount=amount,
            method=PaymentMethod.BANK_TRANSFER,
            bank_reference=line.bank_reference,
            confirm_beyond_pledge=confirm_beyond_pledge,
            confirm_small_amount=True,
            note=line.description[:250],
        )
        try:
            with transaction.atomic():
                StatementMatch.objects.create(
                    line=line, part=number, receipt=receipt, amount=amount, confirmed_existing=typed is not None
                )
        except IntegrityError:  # another line confirmed that typed receipt at this very moment
            raise StatementRefused(
                _("Khoản tiếp nhận này vừa được một dòng sao kê khác xác nhận; hãy thử lại."), code="race"
            ) from None
        receipts.append(receipt)
    _decide(line, actor, LineStatus.MATCHED, reason="")
    return receipts


@transaction.atomic
def statement_line_mark(*, line_id: int, actor, status: str, reason: str) -> StatementLine:
    """Mark a line as not a donation (interest, a transfer between the department's accounts…) or returned to the
    sender, with a reason; it then leaves the queue and counts in the reconciliation as such."""
    reason = (reason or "").strip()
    if status not in MARKED_STATUSES:
        raise StatementRefused(_("Thao tác không hợp lệ."), code="unknown_status")
    if not reason:
        raise StatementRefused(_("Cần ghi lý do."), code="reason_required")
    line = _lock_line(line_id, actor)
    _decide(line, actor, status, reason=reason[:250])
    return line


def _decide(line: StatementLine, actor, status: str, *, reason: str) -> None:
    line.status, line.reason, line.decided_by, line.decided_at = status, reason, actor, timezone.now()
    line.auto = False
    line._change_reason = reason or str(line.get_status_display())
    line.save(update_fields=["status", "reason", "decided_by", "decided_at", "auto"])
