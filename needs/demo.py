"""Synthetic children for the demo communes, with names as Tày, Nùng, Dao, Mông and Sán Chay families give them.

Every name is generated; none belongs to a real child.
"""

import datetime as dt

from needs.models import Child, Sex
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
                    code=f"TN-{commune.code}-{number:04d}",
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
    context.data["children"] = len(rows)
