"""Both catalogs are complete: every Chinese msgid has its English, every English msgid its Chinese, and the
compiled .mo files match the .po files they come from (the console reads the .mo)."""
import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "parcelback" / "locale"
CJK = re.compile(r"[\u4e00-\u9fff]")


def entries(po: Path) -> list[dict]:
    """(msgid, msgid_plural, msgstrs, fuzzy) of every entry of a .po file."""
    found = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if m := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line):
                key = m.group(1)
                fields[key] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            fields["fuzzy"] = "#, fuzzy" in block or ", fuzzy" in block
            found.append(fields)
    return found


@pytest.mark.parametrize(("language", "source_is_chinese"), [("en", True), ("zh_Hans", False)])
def test_every_message_in_the_other_language_is_translated(language, source_is_chinese):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    missing = [
        e["msgid"] for e in entries(po)
        if bool(CJK.search(e["msgid"])) == source_is_chinese and re.search(r"[^\W\d_]", re.sub(r"%\(\w+\)s", "", e["msgid"]))
        and (e["fuzzy"] or not all(v for k, v in e.items() if k.startswith("msgstr")))
    ]
    assert missing == []


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    for e in entries(folder / "django.po"):
        if "msgstr" in e and e["msgstr"] and not e["fuzzy"]:
            assert compiled.get(e["msgid"]) == e["msgstr"], e["msgid"]
