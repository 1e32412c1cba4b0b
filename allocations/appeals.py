"""What an appeal (Decree 93/2021/NĐ-CP) discloses, for the public page, the staff's appeal page and the dashboard.

The decree asks whoever mobilises contributions to make public what was received and how it was distributed
and used. For each appeal this module gathers: its documents, the total received in money and in goods
(donors.figures.received_for_appeal), the distribution by commune and category with the children reached
(allocations.figures.appeal_allocations, delivered_share_expression, children_reached_by — never a second
definition), the criteria for beneficiaries and the support levels. Never a child's name: counts only, small
counts shown as "<5" by the templates, and a critically ill child appeal names "a child in commune X" unless the
guardian (and the child from age 7) consented to publication (needs.ConsentPurpose.PUBLISH_APPEAL).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from allocations.figures import appeal_allocations, children_reached, children_reached_by, delivered_share_expression
from donors.appeals import appeal_countdown
from donors.figures import received_for_appeal
from donors.models import Appeal, AppealDocument, AppealKind, Donor
from needs.models import Category, ConsentPurpose, Need
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated


def appeals_with_related():
    return Appeal.objects.select_related("campaign", "child__commune").prefetch_related("communes", "releases__commune")


def identity_published(appeal: Appeal, today: dt.date | None = None) -> bool:
    """Whether the public may know which child a critically ill child appeal is for: only with the consents to
    publication in force (the guardian's, and the child's own from age 7)."""
    return appeal.kind == AppealKind.ILL_CHILD and appeal.child.consents_to(ConsentPurpose.PUBLISH_APPEAL, today)


def public_title(appeal: Appeal, today: dt.date | None = None) -> str:
    """The appeal's name as the public reads it: for a child without consent, a description that names no one
    (staff may have named the campaign after the child)."""
    if appeal.kind == AppealKind.ILL_CHILD and not identity_published(appeal, today):
        return _("Vận động hỗ trợ một trẻ em mắc bệnh hiểm nghèo ở %(commune)s") % {
            "commune": appeal.child.commune.name
        }
    return appeal.campaign.name


def title_for(user, appeal: Appeal, today: dt.date | None = None) -> str:
    """The name people inside the portal read: the campaign's own for those who may see the child's personal
    data (or for a disaster appeal), the public title for everyone else (leadership reads no child's name)."""
    if appeal.child_id and not scope_for(user).allows(Perm.VIEW_PERSONAL_DATA, appeal.child.commune_id):
        return public_title(appeal, today)
    return appeal.campaign.name


def appeal_rows(appeals, *, user, today: dt.date) -> list[dict]:
    """Each appeal with its name for this user, its countdown and whether all it received is distributed."""
    rows = []
    for appeal in appeals:
        figures = appeal_figures(appeal)
        rows.append(
            {
                "appeal": appeal,
                "title": title_for(user, appeal, today),
                "countdown": appeal_countdown(appeal, today),
                "done": all_distributed(figures),
            }
        )
    return rows


def open_appeals(*, user, today: dt.date) -> list[dict]:
    """The appeals the dashboard counts down: opened, and either still within their distribution deadline or past
    it with part of what they received not yet distributed (shown overdue)."""
    appeals = appeals_with_related().visible_to(user).filter(campaign__start_date__lte=today)
    rows = appeal_rows(appeals, user=user, today=today)
    return [row for row in rows if row["countdown"]["distribute_days"] >= 0 or not row["done"]]


def beneficiary_label(appeal: Appeal, today: dt.date | None = None) -> str:
    if appeal.kind != AppealKind.ILL_CHILD:
        return ""
    if identity_published(appeal, today):
        return _("%(name)s, %(commune)s") % {"name": appeal.child.full_name, "commune": appeal.child.commune.name}
    return _("Một trẻ em ở %(commune)s") % {"commune": appeal.child.commune.name}


def public_documents(appeal: Appeal, today: dt.date | None = None):
    """The documents the public may download: all of a disaster appeal's; of a child's, those staff marked as
    showing nothing that identifies the child, unless the child's publication consents are in force."""
    documents = appeal.documents.all()
    if appeal.kind == AppealKind.ILL_CHILD and not identity_published(appeal, today):
        documents = documents.filter(identity_removed=True)
    return documents


def appeal_figures(appeal: Appeal) -> dict:
    """Received (money, goods), distributed, delivered and children reached for one appeal, in total and by
    commune and category, as allocations.figures defines them."""
    received = dict(received_for_appeal(appeal).values_list("kind").annotate(total=Sum("amount")).order_by())
    allocations = appeal_allocations(appeal)
    keys = ("need__commune__name", "need__category")
    table: dict[tuple, dict] = defaultdict(lambda: dict(allocated=0, delivered=0, children=0))
    for row in allocations.values(*keys).annotate(total=Sum("amount")).order_by():
        table[(row[keys[0]], row[keys[1]])]["allocated"] = row["total"]
    for row in allocations.values(*keys).annotate(total=Sum(delivered_share_expression())).order_by():
        table[(row[keys[0]], row[keys[1]])]["delivered"] = row["total"] or 0
    needs = Need.objects.filter(pk__in=allocations.values("need_id"))
    for (commune, category), counts in children_reached_by(needs, ("commune__name", "category")).items():
        table[(commune, category)]["children"] = counts["reached"]
    rows = [
        {"commune": commune, "category": Category(category).label, **entry}
        for (commune, category), entry in table.items()
    ]
    rows.sort(key=lambda row: (row["commune"], str(row["category"])))
    return {
        "received_money": received.get("money", 0),
        "received_goods": received.get("goods", 0),
        "distributed": sum(row["allocated"] for row in rows),
        "delivered": sum(row["delivered"] for row in rows),
        "children": children_reached(needs)["reached"],
        "rows": rows,
    }


def all_distributed(figures: dict) -> bool:
    """Whether an appeal distributed all it received (money and goods; true when nothing came in), from its
    appeal_figures."""
    return figures["received_money"] + figures["received_goods"] <= figures["distributed"]


def public_appeal_list(today: dt.date) -> list[dict]:
    """Every appeal that has opened, newest first, with what it received: plain data for the public page."""
    appeals = appeals_with_related().filter(campaign__start_date__lte=today)
    return [
        {
            "pk": appeal.pk,
            "title": public_title(appeal, today),
            "kind": appeal.get_kind_display(),
            "receive_from": appeal.receive_from,
            "receive_until": appeal.receive_until,
            "distribute_by": appeal.distribute_by,
            **{key: value for key, value in appeal_figures(appeal).items() if key.startswith("received")},
        }
        for appeal in appeals
    ]


def public_appeal(pk: int, today: dt.date) -> dict:
    """Everything one appeal discloses to the public (Decree 93/2021): plain data, so it can be cached."""
    appeal = appeals_with_related().filter(pk=pk, campaign__start_date__lte=today).first()
    if appeal is None:
        raise Http404
    donors = Donor.objects.filter(pk__in=received_for_appeal(appeal).values("pledge__donor_id"))
    releases = [
        {"commune": release.commune.name, "reason": release.reason, "at": release.at}
        for release in appeal.releases.all()
    ]
    published = identity_published(appeal, today)
    figures = appeal_figures(appeal)
    return {
        "pk": appeal.pk,
        "title": public_title(appeal, today),
        "kind": appeal.get_kind_display(),
        "ill_child": appeal.kind == AppealKind.ILL_CHILD,
        "beneficiary": beneficiary_label(appeal, today),
        "description": appeal.campaign.description if appeal.kind == AppealKind.DISASTER or published else "",
        "decision_reference": appeal.decision_reference,
        "communes": sorted(commune.name for commune in appeal.communes.all()),
        "releases": releases,
        "receive_from": appeal.receive_from,
        "receive_until": appeal.receive_until,
        "distribute_by": appeal.distribute_by,
        "countdown": appeal_countdown(appeal, today),
        "beneficiary_criteria": appeal.beneficiary_criteria,
        "support_levels": appeal.support_levels,
        "documents": [
            {"pk": document.pk, "title": document.title, "size": document.size}
            for document in public_documents(appeal, today)
        ],
        "figures": figures,
        "all_distributed": all_distributed(figures),
        "donors": list(
            donors.filter(anonymous_publicly=False).order_by(collated("name")).values_list("name", flat=True)
        ),
        "anonymous_donors": donors.filter(anonymous_publicly=True).count(),
    }


def public_document(appeal_pk: int, document_pk: int, today: dt.date) -> AppealDocument:
    appeal = Appeal.objects.select_related("campaign", "child__commune").filter(pk=appeal_pk).first()
    if appeal is None or appeal.receive_from > today:
        raise Http404
    document = public_documents(appeal, today).filter(pk=document_pk).first()
    if document is None:
        raise Http404
    return document
