"""Demo data for the core: Thái Nguyên (with the former Bắc Kạn communes), its agency, villages and users."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import (
    AdministrativeUnit,
    Agency,
    CommuneClassification,
    EthnicRegion,
    RoleAssignment,
    Village,
)
from portal.permissions import UNBOUND_ROLES, Role
from portal.reference_data import ethnic_groups_load
from portal.units_loader import units_load

PROVINCE_CODE = "19"  # Thái Nguyên since 1 July 2025, formed from Thái Nguyên and Bắc Kạn
FORMER_BAC_KAN = "06"
# Communes from the former Pác Nặm, Ba Bể and Ngân Sơn districts: high mountains, mostly Tày, Nùng, Dao, Mông.
DEMO_COMMUNES = ["01864", "01882", "01879", "01921", "01906", "01960", "01942", "02185"]
OFFICER_COMMUNES = ["01864", "01882"]  # Bằng Thành, Nghiên Loan
VILLAGE_NAMES = [
    "Nà Hin",
    "Khuổi Khí",
    "Phiêng Luông",
    "Nặm Dất",
    "Cốc Lùng",
    "Pác Châm",
    "Lủng Cháng",
    "Nà Còn",
    "Khuổi Trả",
    "Bản Đăm",
    "Nà Mặn",
    "Phja Bióoc",
    "Lũng Vài",
    "Slam Vè",
    "Nà Phai",
    "Khau Đấng",
]
# The 2026–2030 list of extremely disadvantaged communes was not final when this demo was written; these
# flags illustrate the model and are labelled as such on every screen that shows the decision.
DEMO_DECISION = "Minh họa — danh sách xã ĐBKK 2026–2030 (dữ liệu demo)"
# The reporting cycle the demo reports on (reports/demo.py opens it). Every dated fact of the demo — a need
# registered, money received, an allocation, a delivery — is placed inside this period by `demo_date`, so the
# dashboard, the commune confirmation and the annual report show what the public page shows.
DEMO_YEAR = 2026
DEMO_PERIOD = (dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 11, 15))
DEMO_USERS = [
    ("commune", "Hoàng Thị Dung", Role.COMMUNE_OFFICER, "cán bộ xã Bằng Thành và Nghiên Loan"),
    ("staff", "Nông Văn Thắng", Role.DEPARTMENT_STAFF, "cán bộ Sở Y tế tỉnh Thái Nguyên"),
    ("leader", "Lương Thị Hạnh", Role.LEADERSHIP, "lãnh đạo Sở Y tế"),
    ("donor", "Đặng Minh Khoa", Role.DONOR, "đại diện nhà tài trợ"),
    ("auditor", "Triệu Văn Bình", Role.AUDITOR, "thanh tra tỉnh (chỉ xem)"),
    ("partner", "Đinh Thị Lan", Role.PARTNER, "cán bộ Hội Liên hiệp Phụ nữ tỉnh (tổ chức phối hợp)"),
    ("ministry", "Phạm Thu Trang", Role.MINISTRY, "chuyên viên Bộ Y tế: số liệu đã phê duyệt của các tỉnh"),
]


def demo_date(planned: dt.date, *, today: dt.date | None = None) -> dt.date:
    """The day a demo event happens: its planned day, moved inside the demo cycle's period and never after today
    (the services refuse money received or support handed over "tomorrow"). Run mid-year, the later events all
    fall on today; run on 1 January 2026, everything happens that day; run after the period, as planned. The
    mapping keeps the events' order, so a need is registered before it is funded and funded before delivered."""
    start, end = DEMO_PERIOD
    last = min(end, today or timezone.localdate())
    return max(start, min(planned, last))


def demo_moment(planned: dt.date, *, today: dt.date | None = None) -> dt.datetime:
    """`demo_date` as a time of day (09:00 local), for rows stamped when they were created."""
    moment = timezone.make_aware(dt.datetime.combine(demo_date(planned, today=today), dt.time(9, 0)))
    return min(moment, timezone.now())


def ensure(model, defaults: dict, **lookup):
    """Create or update a row, saving only when something changed so reruns add no history."""
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    changed = [name for name, value in defaults.items() if not created and getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, defaults[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


def seed(context):
    ethnic_groups_load()
    units_load(province_codes=[PROVINCE_CODE])
    province = AdministrativeUnit.objects.get(level="province", code=PROVINCE_CODE, valid_to__isnull=True)
    _agency(province)
    communes = {c.code: c for c in AdministrativeUnit.objects.communes().current().filter(code__in=DEMO_COMMUNES)}
    _classify(province)
    villages = _villages(communes, context.rng)
    users = _users(province, [communes[code] for code in OFFICER_COMMUNES], context.demo_password)
    context.data.update(
        province=province,
        communes=[communes[code] for code in DEMO_COMMUNES],
        villages=villages,
        users=users,
        logins=[(username, description) for username, _name, _role, description in DEMO_USERS],
    )


def _agency(province):
    ensure(
        Agency,
        province=province,
        defaults=dict(
            parent_agency_name="ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
            department_name="SỞ Y TẾ",
            department_abbreviation="SYT",
            fund_name="Quỹ Bảo trợ trẻ em tỉnh Thái Nguyên",
            place_name="Thái Nguyên",
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="Ma Thị Thu Hà",
            recipients="- UBND tỉnh (để báo cáo);\n- Bộ Y tế (để báo cáo);\n- Lưu: VT, BVTE.",
            contact_address="Thành phố Thái Nguyên, tỉnh Thái Nguyên",
            # A made-up account at a real bank (Vietcombank's BIN), so the demo draws real VietQR codes.
            bank_bin="970436",
            bank_account_number="0011009988776",
            bank_account_name="SO Y TE TINH THAI NGUYEN",
        ),
    )


def _classify(province):
    """Communes formed from the former Bắc Kạn are mountainous; its rural communes are flagged ĐBKK."""
    formed_from_bac_kan = (
        AdministrativeUnit.objects.communes()
        .current()
        .filter(province=province, merged_from__province__code=FORMER_BAC_KAN)
        .distinct()
    )
    for commune in formed_from_bac_kan:
        rural = commune.division_type == "Xã"
        ensure(
            CommuneClassification,
            commune=commune,
            period_start=dt.date(2026, 1, 1),
            defaults=dict(
                period_end=dt.date(2030, 12, 31),
                decision=DEMO_DECISION,
                extremely_disadvantaged=rural,
                ethnic_region=EthnicRegion.III if rural else EthnicRegion.I,
                mountainous=True,
            ),
        )


def _villages(communes, rng):
    villages = {}
    for code, commune in communes.items():
        names = rng.sample(VILLAGE_NAMES, 5)
        villages[code] = [
            Village.objects.get_or_create(commune=commune, name=f"Thôn {name}")[0] for name in sorted(names)
        ]
    return villages


def _users(province, officer_communes, password):
    User = get_user_model()
    users = {}
    for username, full_name, role, _description in DEMO_USERS:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "email": f"{username}@demo.invalid"}
        )
        # Only touch the row when it must change, so a second run leaves data and history as they were.
        if password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        elif not password and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        units = officer_communes if role == Role.COMMUNE_OFFICER else [None if role in UNBOUND_ROLES else province]
        for unit in units:
            RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
        users[username] = user
    return users
