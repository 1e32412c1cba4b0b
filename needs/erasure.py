"""A guardian's rights over a child's record: a copy of everything held, and anonymisation on request.

Anonymising keeps what the figures count — the record itself, its code, commune, sex, ethnic group, school level,
the birth month (for age bands) and every need, allocation and delivery — and removes what identifies the child:
names, the exact birth day, village, school, guardian, phone, circumstances, notes, consent givers, the needs'
justifications and attachments, and the earlier versions of all of these in the change history. Records merged
into the child's record are anonymised with it.
"""

import datetime as dt

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from needs.models import Child, ChildConsent, Need, NeedAttachment
from portal import extensions
from portal.models import ExportLog
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.versioning import VERSION_BUMP

ANONYMISED_NAME = "Đã ẩn danh"
EXPORT_KIND = "child_record"
CLEARED_CHILD_FIELDS = {
    "village": None,
    "school_name": "",
    "special_circumstances": [],
    "guardian_name": "",
    "guardian_phone": "",
    "notes": "",
    "merge_reason": "",
}


class ErasureError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_export(user, child: Child) -> bool:
    """Those who meet the family — the commune officer, the department's staff — hand the guardian the copy."""
    scope = scope_for(user)
    return any(scope.allows(perm, child.commune_id) for perm in (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS))


def may_anonymise(user, child: Child) -> bool:
    return scope_for(user).allows(Perm.VERIFY_NEEDS, child.commune_id)


def child_record(*, child: Child, user) -> dict:
    """Everything the portal holds about a child, for the guardian's copy; logs the export."""
    needs = list(child.needs.select_related("village").order_by("created_at", "pk"))
    exports = list(
        ExportLog.objects.filter(what=EXPORT_KIND, filters__child=child.code).select_related("user").order_by("at")
    )
    ExportLog.objects.create(user=user, what=EXPORT_KIND, filters={"child": child.code}, row_count=1)
    return {
        "child": child,
        "age": child.age(),
        "circumstances": child.circumstance_labels(),
        "consents": child.consents.order_by("given_on", "pk"),
        "needs": needs,
        "sections": extensions.child_record_sections(child),
        "earlier_exports": exports,
    }


def birth_month(birth_date: dt.date) -> dt.date:
    """The first day of the birth month: age bands stay right on every day but those between the 1st and the
    birthday itself in a year the child changes band."""
    return birth_date.replace(day=1)


@transaction.atomic
def child_anonymise(*, child: Child, user, reason: str) -> Child:
    reason = reason.strip()
    if not reason:
        raise ErasureError(_("Cần ghi lý do ẩn danh (ví dụ: yêu cầu của người giám hộ, ngày nhận yêu cầu)."))
    records = list(Child.objects.select_for_update().filter(Q(pk=child.pk) | Q(merged_into=child.pk)).order_by("pk"))
    kept = next(record for record in records if record.pk == child.pk)
    if not may_anonymise(user, kept):
        raise ErasureError(_("Chỉ cán bộ Sở trong phạm vi của hồ sơ mới được ẩn danh hồ sơ."))
    if kept.merged_into_id:
        raise ErasureError(_("Hồ sơ này đã được gộp; hãy ẩn danh hồ sơ được giữ lại."))
    if kept.anonymised_at:
        raise ErasureError(_("Hồ sơ này đã được ẩn danh trước đó."))
    ids = [record.pk for record in records]
    now = timezone.now()

    # Earlier versions hold the names: the history restarts from the anonymised state.
    Child.history.filter(id__in=ids).delete()
    for record in records:
        for field, value in CLEARED_CHILD_FIELDS.items():
            setattr(record, field, value)
        record.full_name = ANONYMISED_NAME
        record.birth_date = birth_month(record.birth_date)
        record.anonymised_at, record.anonymised_by, record.anonymisation_reason = now, user, reason
        record._change_reason = _("Ẩn danh theo yêu cầu")
        record.save()

    consents = ChildConsent.objects.filter(child_id__in=ids)
    consents.filter(withdrawn_on__isnull=True).update(withdrawn_on=Greatest(F("given_on"), timezone.localdate()))
    consents.update(giver_name=ANONYMISED_NAME, note="")
    ChildConsent.history.filter(child_id__in=ids).delete()

    needs = Need.objects.filter(child_id__in=ids)
    needs.update(justification=ANONYMISED_NAME, village=None, **VERSION_BUMP)
    Need.history.filter(child_id__in=ids).update(justification=ANONYMISED_NAME, village=None)

    attachments = NeedAttachment.objects.filter(need__child_id__in=ids)
    files = [attachment.file for attachment in attachments]
    NeedAttachment.history.filter(need_id__in=needs.values("pk")).delete()
    attachments.delete()
    transaction.on_commit(lambda: _delete_files(files))

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Child), object_id__in=[str(pk) for pk in ids]
    ).update(object_repr=kept.code)
    extensions.child_anonymised(ids)
    return kept


def _delete_files(files) -> None:
    for stored in files:
        stored.storage.delete(stored.name)
