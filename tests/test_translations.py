"""The English catalogue is complete and compiled: every text a template or the Python code
marks for translation has an English entry, none is empty or fuzzy (gettext ignores a
fuzzy entry, so the page stays Vietnamese), and the compiled .mo says what the .po says.

The catalogue is refreshed with `make messages` (needs gettext); these checks need
nothing but Python, so CI runs them."""

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = ("cluster_portal", "provinces", "emulation")
TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+"((?:[^"\\]|\\.)*)"(?:\s+[^%]*)?%\}""")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext", "ngettext_lazy"}


def unquote(line: str) -> str:
    return ast.literal_eval(line)


def catalogue() -> list[dict]:
    """The .po's entries: msgid, msgid_plural, msgstr (list), flags."""
    entries, entry, field = [], None, None
    for raw in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgid": "", "msgid_plural": None, "msgstr": [], "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field, entry["msgid_plural"] = "msgid_plural", unquote(line[13:])
        elif line.startswith("msgid "):
            field, entry["msgid"] = "msgid", unquote(line[6:])
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(unquote(line.split(" ", 1)[1]))
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += unquote(line)
            else:
                entry[field] += unquote(line)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_no_entry_is_empty_or_fuzzy():
    entries = catalogue()
    assert len(entries) > 400
    empty = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert empty == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_po():
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for entry in catalogue():
        if entry["msgid_plural"]:
            assert (
                compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == (entry["msgstr"][0])
            ), entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def marked_texts() -> set[str]:
    """The literal texts templates ({% translate "…" %}) and Python (gettext calls with a
    literal first argument) mark for translation."""
    texts = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for match in TRANSLATE_TAG.finditer(template.read_text(encoding="utf-8")):
            texts.add(match[1].replace('\\"', '"'))
    for package in SOURCES:
        for module in (ROOT / package).rglob("*.py"):
            if "migrations" in module.parts:
                continue
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_NAMES
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    texts.add(node.args[0].value)
    return texts


def test_every_marked_text_is_in_the_catalogue():
    known = {entry["msgid"] for entry in catalogue()}
    missing = sorted(marked_texts() - known)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:10])
