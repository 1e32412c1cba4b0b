"""Vietnamese is the working language; English is the translation, and numbers read the Vietnamese way in both."""

import ast
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from portal.money import format_vnd

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")
# What `makemessages` is told to skip when the catalog is built (see the assertion message below).
NOT_SCANNED = {".venv", "var", "tests", "bench", "locale", "__pycache__"}
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|\{[^{}]*\}")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """LocaleMiddleware activates a language per request and never deactivates it; keep it from leaking."""
    yield
    translation.deactivate()


def _po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr forms, multi-line strings joined."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):  # obsolete entry: not shown to anyone
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, text = match.groups()
            field = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, None)
        elif line.startswith('"') and field is not None:
            text = line
        else:
            raise AssertionError(f"{path}: cannot read line {line!r}")
        value = ast.literal_eval(text)
        name, index = field
        if name == "msgstr":
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
        else:
            entry[name] = entry.get(name, "") + value
    finish()
    return entries


def _label(entry: dict) -> str:
    context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
    return context + repr(entry["msgid"]) if entry["msgid"] else "the catalog header"


def test_it_shows_the_public_home_page_in_vietnamese_by_default(client, db):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Hỗ trợ trẻ em dân tộc thiểu số ở các xã đặc biệt khó khăn" in html
    assert "Đăng nhập" in html


def test_it_shows_the_public_home_page_in_english_once_the_visitor_chooses_english(client, db):
    assert COMPILED.exists(), f"{COMPILED} is missing: run `manage.py compilemessages` (./dev does it)"

    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/"

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Support for ethnic minority children in extremely disadvantaged communes" in html
    assert "Log in" in html
    assert "Đăng nhập" not in html
    assert "Tiếng Việt" in html  # the way back


def test_it_writes_money_as_vietnamese_dong():
    assert format_vnd(1250000) == "1.250.000\u00a0đ"
    assert format_vnd(-1250000) == "-1.250.000\u00a0đ"
    assert format_vnd(0) == "0\u00a0đ"
    assert format_vnd(999) == "999\u00a0đ"
    assert format_vnd(None) == ""


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("amount", "shown"),
    [(1250000, "1.250.000\u00a0đ"), (-50000, "-50.000\u00a0đ"), (0, "0\u00a0đ")],
)
def test_it_writes_money_as_vietnamese_dong_in_templates_in_both_languages(language, amount, shown):
    template = Template("{% load portal_format %}{{ amount|vnd }}")

    with translation.override(language):
        assert template.render(Context({"amount": amount})) == shown


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_dates_day_first_in_both_languages(language):
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d|date:"DATE_FORMAT" }}')

    with translation.override(language):
        assert template.render(Context({"d": dt.date(2026, 11, 30)})) == "30/11/2026 30/11/2026"


def test_it_translates_every_message_of_the_english_catalog():
    entries = _po_entries(CATALOG)
    assert len(entries) > 1, f"{CATALOG} has no messages"

    untranslated = [_label(e) for e in entries if e["msgid"] and not all(e["msgstr"].values() or [""])]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]

    assert not untranslated, f"No English translation in {CATALOG.name} for: " + "; ".join(untranslated)
    assert not fuzzy, f"Fuzzy (so not used) in {CATALOG.name}, check and clear the flag: " + "; ".join(fuzzy)


def test_it_keeps_the_placeholders_of_every_message_in_english():
    broken = []
    for entry in _po_entries(CATALOG):
        if not entry["msgid"]:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for msgstr in entry["msgstr"].values():
            if msgstr and sorted(set(PLACEHOLDER.findall(msgstr))) != sorted(set(wanted)):
                broken.append(f"{_label(entry)} → {msgstr!r}")

    assert not broken, "Placeholders differ from the Vietnamese source: " + "; ".join(broken)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (./dev installs it)")
def test_it_has_every_translatable_string_of_the_source_in_the_english_catalog(tmp_path, monkeypatch):
    """A string marked for translation but never extracted would show in Vietnamese on the English pages."""
    source = tmp_path / "source"
    source.mkdir()
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name in NOT_SCANNED or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, source / item.name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            shutil.copy2(item, source / item.name)
    pot_dir = tmp_path / "pot"
    monkeypatch.chdir(source)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(pot_dir)])

    call_command("makemessages", all=True, keep_pot=True, verbosity=0)

    in_source = {(e.get("msgctxt"), e["msgid"]): e for e in _po_entries(pot_dir / "django.pot") if e["msgid"]}
    in_catalog = {(e.get("msgctxt"), e["msgid"]) for e in _po_entries(CATALOG)}
    missing = [_label(in_source[key]) for key in sorted(in_source.keys() - in_catalog, key=str)]
    assert not missing, (
        f"Not in {CATALOG.name}; run `manage.py makemessages -l en --no-wrap --ignore=.venv --ignore=var "
        f"--ignore=tests --ignore=bench --no-obsolete` and translate: " + "; ".join(missing)
    )
