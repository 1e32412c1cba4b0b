"""Reference lists the portal ships with."""

ETHNIC_GROUP_CODE_LIST = "1019/QĐ-TCTK (2008)"
# The 54 ethnic groups with the codes of the statistics office (Decision 1019/QĐ-TCTK, 12/11/2008), and the list's
# two other codes: 55 for foreigners and 99 for an ethnicity not known.
ETHNIC_GROUPS = [
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Mường"),
    ("05", "Khơ-me"),
    ("06", "Hoa"),
    ("07", "Nùng"),
    ("08", "Mông"),
    ("09", "Dao"),
    ("10", "Gia-rai"),
    ("11", "Ê-đê"),
    ("12", "Ba-na"),
    ("13", "Sán Chay"),
    ("14", "Chăm"),
    ("15", "Cơ-ho"),
    ("16", "Xơ-đăng"),
    ("17", "Sán Dìu"),
    ("18", "Hrê"),
    ("19", "Ra-glai"),
    ("20", "Mnông"),
    ("21", "Thổ"),
    ("22", "Xtiêng"),
    ("23", "Khơ-mú"),
    ("24", "Bru-Vân Kiều"),
    ("25", "Cơ-tu"),
    ("26", "Giáy"),
    ("27", "Tà-ôi"),
    ("28", "Mạ"),
    ("29", "Giẻ-Triêng"),
    ("30", "Co"),
    ("31", "Chơ-ro"),
    ("32", "Xinh-mun"),
    ("33", "Hà Nhì"),
    ("34", "Chu-ru"),
    ("35", "Lào"),
    ("36", "La Chí"),
    ("37", "Kháng"),
    ("38", "Phù Lá"),
    ("39", "La Hủ"),
    ("40", "La Ha"),
    ("41", "Pà Thẻn"),
    ("42", "Lự"),
    ("43", "Ngái"),
    ("44", "Chứt"),
    ("45", "Lô Lô"),
    ("46", "Mảng"),
    ("47", "Cơ Lao"),
    ("48", "Bố Y"),
    ("49", "Cống"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Rơ-măm"),
    ("53", "Brâu"),
    ("54", "Ơ-đu"),
    ("55", "Người nước ngoài"),
    ("99", "Không xác định"),
]

# Other names people write for a group (folded, as portal.text.fold gives them) → its code: read by the Excel import
# and offered to the search in front of the ethnic-group choice.
ETHNIC_ALIASES = {"hmong": "08", "h mong": "08", "meo": "08", "khmer": "05", "kinh viet": "01"}


def ethnic_groups_load(model=None) -> None:
    """Create or correct the groups of the list; idempotent. Migrations pass their historical model."""
    if model is None:
        from portal.models import EthnicGroup as model
    existing = {group.code: group for group in model.objects.all()}
    for code, name in ETHNIC_GROUPS:
        group = existing.get(code)
        if group is None:
            model.objects.create(code=code, name=name, code_list=ETHNIC_GROUP_CODE_LIST)
        elif (group.name, group.code_list) != (name, ETHNIC_GROUP_CODE_LIST):
            group.name, group.code_list = name, ETHNIC_GROUP_CODE_LIST
            group.save(update_fields=["name", "code_list"])
