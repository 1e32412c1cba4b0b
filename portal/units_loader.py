"""Load official administrative units from the `vietnamadminunits` data package.

The package (MIT) carries the 34 provinces and 3,321 communes in force since 1 July 2025, the 63 provinces,
districts and 10,000-odd communes before it, and the mapping from each old commune to the new one(s).
Loading is idempotent: rows are matched on (level, code, valid_from) and updated in place.
"""

import datetime as dt
import importlib.util
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from portal.models import REFORM_DATE, AdministrativeUnit, UnitLevel

LAST_DAY_BEFORE_REFORM = REFORM_DATE - dt.timedelta(days=1)


@dataclass
class LoadSummary:
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    historical_communes: int = 0


def _data_file(name: str) -> Path:
    # Only the package's data files are read; importing its code would pull in dependencies we do not use.
    spec = importlib.util.find_spec("vietnamadminunits")
    return Path(spec.submodule_search_locations[0]) / "data" / name


def _rows(sql: str, params=()) -> list[sqlite3.Row]:
    # Opened read-only, so a read-only site-packages is fine.
    with sqlite3.connect(f"file:{_data_file('dataset.db')}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def _division_type(name: str) -> str:
    for prefix in ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã"):
        if name.startswith(prefix):
            return prefix
    return ""


def available_provinces() -> list[tuple[str, str]]:
    """(code, name) of the provinces in force, for choices and help text."""
    rows = _rows("SELECT DISTINCT provinceCode, province FROM admin_units ORDER BY provinceCode")
    return [(row["provinceCode"], row["province"]) for row in rows]


def _differs(unit: AdministrativeUnit, name: str, value) -> bool:
    if isinstance(value, AdministrativeUnit) or (value is None and name in _Upserter.RELATIONS):
        return getattr(unit, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(unit, name) != value


class _Upserter:
    """Match existing rows once per level and write the differences in bulk."""

    FIELDS = ("name", "division_type", "parent", "province", "valid_to", "merged_into")
    RELATIONS = ("parent", "province", "merged_into")

    def __init__(self):
        self.existing = {(unit.level, unit.code, unit.valid_from): unit for unit in AdministrativeUnit.objects.all()}

    def save(self, level: str, code: str, valid_from, **values) -> AdministrativeUnit:
        return self.save_many(level, valid_from, [(code, values)])[code]

    def save_many(self, level: str, valid_from, items: list[tuple[str, dict]]) -> dict[str, AdministrativeUnit]:
        to_create, to_update, result = [], [], {}
        for code, values in items:
            unit = self.existing.get((level, code, valid_from))
            if unit is None:
                unit = AdministrativeUnit(level=level, code=code, valid_from=valid_from, **values)
                to_create.append(unit)
            elif any(_differs(unit, name, value) for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                to_update.append(unit)
            result[code] = unit
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(to_update, self.FIELDS, batch_size=1000)
        for unit in to_create:
            self.existing[(level, unit.code, valid_from)] = unit
        return result


@transaction.atomic
def provinces_load() -> int:
    """The provinces in force, without their communes (the list the ministry reads); units_load fills them in
    later, matching the same rows. Returns how many."""
    upsert = _Upserter()
    items = [
        (code, dict(name=name, division_type=_division_type(name), parent=None, province=None, valid_to=None,
                    merged_into=None))
        for code, name in available_provinces()
    ]  # fmt: skip
    return len(upsert.save_many(UnitLevel.PROVINCE, REFORM_DATE, items))


@transaction.atomic
def units_load(*, province_codes: list[str] | None = None) -> LoadSummary:
    """Load the given provinces in force (all when None) and the pre-2025 units they came from."""
    converter = json.loads(_data_file("converter_2025.json").read_text(encoding="utf-8"))
    new_rows = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")
    if province_codes:
        wanted = {code.zfill(2) for code in province_codes}
        new_rows = [row for row in new_rows if row["provinceCode"] in wanted]
        if not new_rows:
            raise ValueError(f"Unknown province code(s): {', '.join(sorted(wanted))}")
    summary = LoadSummary()
    upsert = _Upserter()

    by_province = defaultdict(list)
    for row in new_rows:
        by_province[row["provinceKey"]].append(row)

    for province_key, rows in by_province.items():
        first = rows[0]
        province = upsert.save(
            UnitLevel.PROVINCE,
            first["provinceCode"],
            REFORM_DATE,
            name=first["province"],
            division_type=_division_type(first["province"]),
            parent=None,
            province=None,
            valid_to=None,
            merged_into=None,
        )
        summary.provinces += 1
        communes = upsert.save_many(
            UnitLevel.COMMUNE,
            REFORM_DATE,
            [
                (
                    row["wardCode"],
                    dict(
                        name=row["ward"],
                        division_type=row["wardType"] or _division_type(row["ward"]),
                        parent=province,
                        province=province,
                        valid_to=None,
                        merged_into=None,
                    ),
                )
                for row in rows
            ],
        )
        summary.communes += len(communes)
        new_by_key = {row["wardKey"]: communes[row["wardCode"]] for row in rows}
        successor = _successors(converter, province_key, new_by_key)
        old_keys = converter["DICT_PROVINCE"].get(province_key, [])
        _load_historical(upsert, old_keys, province, successor, summary)
    return summary


def _successors(converter, province_key: str, new_by_key: dict) -> dict[str, AdministrativeUnit]:
    """old 'province_district_ward' key → the new commune it merged into (the main one when it was split)."""
    successor = {}
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        for old_key in old_keys:
            if new_key in new_by_key:
                successor[old_key] = new_by_key[new_key]
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        main = next((t for t in targets if t["isDefaultNewWard"]), targets[0])
        if main["newWardKey"] in new_by_key:
            successor[old_key] = new_by_key[main["newWardKey"]]
    return successor


def _load_historical(upsert: _Upserter, old_province_keys, new_province, successor, summary: LoadSummary):
    if not old_province_keys:
        return
    marks = ",".join("?" * len(old_province_keys))
    rows = _rows(
        f"SELECT * FROM admin_units_legacy WHERE provinceKey IN ({marks}) ORDER BY districtCode, wardCode",  # noqa: S608
        old_province_keys,
    )
    by_province = defaultdict(list)
    for row in rows:
        by_province[row["provinceCode"]].append(row)
    for code, province_rows in by_province.items():
        first = province_rows[0]
        old_province = upsert.save(
            UnitLevel.PROVINCE,
            code,
            None,
            name=first["province"],
            division_type=_division_type(first["province"]),
            parent=None,
            province=None,
            valid_to=LAST_DAY_BEFORE_REFORM,
            merged_into=new_province,
        )
        districts = upsert.save_many(
            UnitLevel.DISTRICT,
            None,
            [
                (
                    row["districtCode"],
                    dict(
                        name=row["district"],
                        division_type=row["districtType"] or _division_type(row["district"]),
                        parent=old_province,
                        province=old_province,
                        valid_to=LAST_DAY_BEFORE_REFORM,
                        merged_into=None,
                    ),
                )
                for row in {r["districtCode"]: r for r in province_rows}.values()
            ],
        )
        summary.districts += len(districts)
        communes = upsert.save_many(
            UnitLevel.COMMUNE,
            None,
            [
                (
                    row["wardCode"],
                    dict(
                        name=row["ward"],
                        division_type=row["wardType"] or _division_type(row["ward"]),
                        parent=districts[row["districtCode"]],
                        province=old_province,
                        valid_to=LAST_DAY_BEFORE_REFORM,
                        merged_into=successor.get(f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"),
                    ),
                )
                for row in province_rows
                if row["wardCode"]
            ],
        )
        summary.historical_communes += len(communes)
