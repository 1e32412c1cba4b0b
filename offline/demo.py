"""Demo: the commune officer finds one change made offline waiting for a decision (the department edited the need
while the officer's phone was out of signal), to try the conflict page field by field."""

import uuid

from needs.models import Need, NeedStatus
from needs.services import need_update
from offline.models import SyncChange
from offline.services import sync_apply
from portal.permissions import Perm

DEMO_KEY = uuid.UUID("5d1c0a5e-0ff1-4e16-9c0d-000000000016")


def seed(context):
    users = context.data["users"]
    officer, staff = users["commune"], users["staff"]
    if SyncChange.objects.filter(user=officer, key=DEMO_KEY).exists():
        return
    need = (
        Need.objects.visible_to(officer, Perm.REGISTER_NEEDS)
        .filter(status__in=[NeedStatus.RETURNED, NeedStatus.DRAFT], child__isnull=False)
        .order_by("-status", "pk")
        .first()
    )
    if need is None:
        return
    read_offline = need.version
    need_update(need=need, user=staff, data={"description": "Áo ấm cỡ lớn hơn một số"})
    sync_apply(
        user=officer,
        change={
            "key": str(DEMO_KEY),
            "type": "need.update",
            "id": need.pk,
            "base_version": read_offline,
            "fields": {"description": "Áo ấm và mũ len", "quantity": need.quantity + 1},
        },
    )
