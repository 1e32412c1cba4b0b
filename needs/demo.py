"""Synthetic children for the demo communes, with names as Tày, Nùng, Dao, Mông and Sán Chay families give them.

Every name is generated; none belongs to a real child.
"""

import datetime as dt

from needs.models import (
    AgeBand,
    CareType,
    Category,
    Child,
    ChildConsent,
    ClothingSize,
    ConsentGiver,
    ConsentPurpose,
    Need,
    NeedEvent,
    NeedStatus,
    Priority,
    Sex,
)
from needs.models.children import CHILD_CONSENT_AGE, age_on, child_code
from needs.services import child_code_counters_catch_up
from portal.demo import demo_date, demo_moment
from portal.models import EthnicGroup
from portal.text import fold

# ethnic group code → (family names, boys' middle+given names, girls' middle+given names)
NAMING = {
    "02": (  # Tày
        ["Hoàng", "Nông", "Lương", "Ma", "Lục", "Đàm", "Bế", "Hà"],
        ["Văn Thắng", "Văn Quyết", "Văn Pảo", "Đức Tài", "Văn Slấm", "Văn Khánh"],
        ["Thị Nhung", "Thị Hương", "Thị Mai", "Thị Slao", "Thị Lụa", "Thị Thơm"],
    ),
    "07": (  # Nùng
        ["Nông", "Lăng", "Hoàng", "Vi", "Lý", "Chu"],
        ["Văn Sình", "Văn Phòng", "Văn Dìn", "Văn Chức", "A Vằn"],
        ["Thị Dín", "Thị Slam", "Thị Hoa", "Thị Mỷ", "Thị Lìu"],
    ),
    "09": (  # Dao
        ["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo"],
        ["Văn Tòn", "Văn Kiềm", "Văn Phấy", "Tiến Sinh", "Văn Quẩy"],
        ["Thị Mẩy", "Thị Liều", "Thị Phin", "Mùi Chiêm", "Thị Xiêm"],
    ),
    "08": (  # Mông
        ["Giàng", "Vàng", "Sùng", "Lầu", "Thào", "Hầu", "Mùa", "Vừ"],
        ["A Páo", "A Dính", "A Chứ", "A Sếnh", "Seo Lử", "Mí Súa"],
        ["Thị Mỷ", "Thị Dợ", "Thị Pà", "Thị Say", "Thị Sua", "Thị Chá"],
    ),
    "13": (  # Sán Chay
        ["Lâm", "Nịnh", "Hoàng", "Trần", "La"],
        ["Văn Lường", "Văn Sậy", "Văn Hoàn", "Văn Tỉnh"],
        ["Thị Mùi", "Thị Sến", "Thị Hạnh", "Thị Vạn"],
    ),
}
# How often each group appears among the demo children (weights).
MIX = [("02", 35), ("07", 20), ("09", 20), ("08", 18), ("13", 7)]
CHILDREN_PER_COMMUNE = 40


def seed(context):
    groups = {g.code: g for g in EthnicGroup.objects.filter(code__in=NAMING)}
    today = dt.date(2026, 9, 5)  # fixed, so a second run draws the same children
    rng = context.rng
    rows = []
    for commune in context.data["communes"]:
        villages = context.data["villages"][commune.code]
        for number in range(1, CHILDREN_PER_COMMUNE + 1):
            code = rng.choices([code for code, _w in MIX], weights=[w for _c, w in MIX])[0]
            family, boys, girls = NAMING[code]
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            surname = rng.choice(family)
            name = f"{surname} {rng.choice(boys if sex == Sex.MALE else girls)}"
            birth = today - dt.timedelta(days=rng.randint(365 * 2, 365 * 14))
            rows.append(
                Child(
                    code=child_code(commune.code, number),
                    full_name=name,
                    name_key=fold(name),
                    sex=sex,
                    birth_date=birth,
                    ethnic_group=groups[code],
                    commune=commune,
                    village=rng.choice(villages),
                    guardian_name=f"{surname} {rng.choice(NAMING[code][1])}",
                    guardian_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                )
            )
    Child.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "full_name",
            "name_key",
            "sex",
            "birth_date",
            "ethnic_group",
            "commune",
            "village",
            "guardian_name",
            "guardian_phone",
        ],
    )
    child_code_counters_catch_up(communes=context.data["communes"])
    context.data["children"] = len(rows)
    children = list(Child.objects.filter(code__in=[row.code for row in rows]).order_by("code"))
    _needs(context, children)
    _consents(context, children)


S = NeedStatus
# The steps that lead to each status, and who takes them (demo usernames). The demo stops before money: needs
# become partly funded, funded and delivered only through allocations/demo.py (the matching assistant and
# deliveries), so every funded need has allocations behind it and every delivered one a delivery.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [("submit", S.SUBMITTED, "commune")],
    S.RETURNED: [("submit", S.SUBMITTED, "commune"), ("return", S.RETURNED, "staff")],
    S.VERIFIED: [("submit", S.SUBMITTED, "commune"), ("verify", S.VERIFIED, "staff")],
}
PATHS[S.OPEN] = [*PATHS[S.VERIFIED], ("open", S.OPEN, "staff")]
PATHS[S.CANCELLED] = [("submit", S.SUBMITTED, "commune"), ("withdraw", S.CANCELLED, "commune")]
STATUS_MIX = [
    (S.DRAFT, 8),
    (S.SUBMITTED, 20),
    (S.RETURNED, 5),
    (S.VERIFIED, 12),
    (S.OPEN, 52),
    (S.CANCELLED, 3),
]
RETURN_REASONS = [
    "Bổ sung giấy xác nhận hộ nghèo của UBND xã.",
    "Ghi rõ cỡ áo theo số đo thực tế của trẻ.",
    "Đơn giá cao hơn giá thị trường, đề nghị xem lại.",
]
WITHDRAW_REASONS = ["Gia đình chuyển đi nơi khác.", "Trẻ đã được hỗ trợ từ chương trình khác."]
REASONS = {"return": RETURN_REASONS, "withdraw": WITHDRAW_REASONS}
# category → (season, needed by, share of children, what is needed)
CHILD_NEEDS = {
    Category.WARM_CLOTHING: ("W2026", dt.date(2026, 11, 30), 45, "Áo khoác bông, mũ len, tất"),
    Category.EDUCATION: ("SY2026", dt.date(2026, 10, 15), 25, "Sách giáo khoa, vở, cặp sách"),
    Category.HEALTHCARE: ("Y2026", dt.date(2026, 12, 31), 15, ""),
}


# When the commune registered each category's needs (moved inside the demo cycle by portal.demo.demo_date).
REGISTERED_ON = {
    Category.HEALTHCARE: dt.date(2026, 3, 10),
    Category.PLAY: dt.date(2026, 4, 10),
    Category.EDUCATION: dt.date(2026, 7, 20),
    Category.NUTRITION: dt.date(2026, 7, 25),
    Category.WARM_CLOTHING: dt.date(2026, 9, 20),
}


def _status(rng):
    return rng.choices([status for status, _w in STATUS_MIX], weights=[w for _s, w in STATUS_MIX])[0]


def _needs(context, children):
    """Needs of single children and of groups; only the missing ones are added, so a rerun changes nothing."""
    rng = context.rng
    planned = []
    for child in children:
        for category, (season, needed_by, share, description) in CHILD_NEEDS.items():
            if rng.randrange(100) >= share:
                continue
            status, priority = _status(rng), rng.choice(list(Priority))
            need = Need(
                child=child,
                commune_id=child.commune_id,
                village_id=child.village_id,
                category=category,
                description=description,
                quantity=1,
                season=season,
                needed_by=needed_by,
                priority=priority,
                status=status,
            )
            if category == Category.WARM_CLOTHING:
                need.clothing_size = ClothingSize.for_age(age_on(child.birth_date, needed_by))
                need.unit_cost = rng.randrange(300, 460, 10) * 1000
                need.justification = "Nhà ở vùng núi cao, mùa đông nhiệt độ xuống dưới 5°C, trẻ chưa có áo ấm."
            elif category == Category.EDUCATION:
                need.unit_cost = rng.randrange(500, 1500, 50) * 1000
                need.justification = "Gia đình thuộc hộ nghèo, không đủ tiền mua sách vở đầu năm học."
            else:
                treatment = rng.randrange(4) == 0
                need.care_type = CareType.TREATMENT if treatment else CareType.CHECK_UP
                need.description = "Điều trị viêm phổi kéo dài" if treatment else "Khám sức khỏe tổng quát"
                need.unit_cost = rng.randrange(20, 80) * 100_000 if treatment else 180_000
                need.justification = "Trẻ hay ốm, gia đình ở xa trạm y tế, chưa được khám định kỳ."
            planned.append(need)
    for commune in context.data["communes"]:
        villages = context.data["villages"][commune.code]
        village = rng.choice(villages)
        pupils = rng.randrange(25, 61)
        planned.append(
            Need(
                commune=commune,
                village=village,
                facility_name=f"Điểm trường mầm non {village.name}",
                beneficiary_count=pupils,
                age_band=AgeBand.PRESCHOOL,
                category=Category.NUTRITION,
                description="Bữa trưa dinh dưỡng cho trẻ mầm non",
                meals_per_day=1,
                days=170,
                quantity=pupils * 170,
                unit_cost=15_000,
                season="SY2026",
                needed_by=dt.date(2026, 10, 1),
                priority=Priority.HIGH,
                justification="Trẻ mầm non người dân tộc thiểu số ăn bán trú, nhiều trẻ suy dinh dưỡng thể thấp còi.",
                status=_status(rng),
            )
        )
        if rng.randrange(2):
            planned.append(
                Need(
                    commune=commune,
                    facility_name=f"Trường Tiểu học {commune.name.removeprefix('Xã ')}",
                    beneficiary_count=rng.randrange(120, 300),
                    age_band=AgeBand.PRIMARY,
                    category=Category.PLAY,
                    description="Khu vui chơi: cầu trượt, xích đu, sân cát",
                    quantity=1,
                    unit_cost=rng.randrange(45, 90) * 1_000_000,
                    season="Y2026",
                    needed_by=dt.date(2026, 12, 31),
                    priority=Priority.NORMAL,
                    justification="Trường chưa có khu vui chơi cho học sinh; sân đất dốc, trơn khi mưa.",
                    status=_status(rng),
                )
            )
    existing = set(Need.objects.filter(commune__in=context.data["communes"]).values_list(*NEED_KEY))
    missing = [need for need in planned if _key(need, NEED_KEY) not in existing]
    created = Need.objects.bulk_create(missing)
    users = context.data["users"]
    events = []
    for need in created:
        events.append(NeedEvent(need=need, action="create", to_status=S.DRAFT, actor=users["commune"]))
        previous = S.DRAFT
        for action, target, username in PATHS[need.status]:
            # No random draw here: a rerun creates no events, and the draws after this must stay the same.
            reason = REASONS[action][need.pk % len(REASONS[action])] if action in REASONS else ""
            events.append(
                NeedEvent(
                    need=need,
                    action=action,
                    from_status=previous,
                    to_status=target,
                    actor=users[username],
                    reason=reason,
                )
            )
            previous = target
    NeedEvent.objects.bulk_create(events)
    _date_registrations(created)
    context.data["needs"] = len(planned)


def _date_registrations(created):
    """Date the new needs and their workflow steps on the day their commune registered them (inside the demo
    cycle), not on the day the demo was seeded: the report counts needs registered in its period."""
    by_category = {}
    for need in created:
        by_category.setdefault(need.category, []).append(need.pk)
    for category, ids in by_category.items():
        moment = demo_moment(REGISTERED_ON[category])
        Need.objects.filter(pk__in=ids).update(created_at=moment)
        NeedEvent.objects.filter(need_id__in=ids).update(at=moment)


NEED_KEY = ("child_id", "commune_id", "facility_name", "category", "season")


def _key(obj, fields) -> tuple:
    # Choices members hash by their name, not their value: compare plain strings with what the database returns.
    return tuple(str(value) if isinstance(value, str) else value for value in (getattr(obj, f) for f in fields))


def _consents(context, children):
    """Recorded consents for about a third of the children: the guardian's, and the child's own from age 7."""
    rng = context.rng
    given_on = demo_date(dt.date(2026, 9, 10))
    planned = []
    for child in children:
        if rng.randrange(3):
            continue
        planned.append(
            ChildConsent(
                child=child,
                given_by=ConsentGiver.GUARDIAN,
                giver_name=child.guardian_name,
                purpose=ConsentPurpose.PROCESS_DATA,
                given_on=given_on,
            )
        )
        if age_on(child.birth_date, given_on) >= CHILD_CONSENT_AGE:
            planned.append(
                ChildConsent(
                    child=child,
                    given_by=ConsentGiver.CHILD,
                    giver_name=child.full_name,
                    purpose=ConsentPurpose.PROCESS_DATA,
                    given_on=given_on,
                )
            )
    key = ("child_id", "given_by", "purpose")  # not the date: it depends on the day the demo is seeded
    existing = set(ChildConsent.objects.filter(child__in=children).values_list(*key))
    ChildConsent.objects.bulk_create([consent for consent in planned if _key(consent, key) not in existing])
