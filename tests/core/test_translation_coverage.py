"""Every visible string in a template is marked for translation and translated into Spanish."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "quipu_portal").glob("*/templates"))]
# The 500 page renders without the template context, so it carries both languages as plain text.
BILINGUAL_BY_DESIGN = {"500.html"}
SANDBOX_TEMPLATES = ROOT / "quipu_portal" / "sandbox"

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
DJANGO_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"<[^>]+>", re.S)
TEXT_ATTRIBUTE = re.compile(r"""\b(aria-label|placeholder|title|alt)\s*=\s*(["'])(.*?)\2""", re.S)
WORD = re.compile(r"[A-Za-zÁÉÍÓÚáéíóúÑñ]{2,}")
ALLOWED_LITERALS = ("Quipu Portal", "Quipu", "DOCTYPE html")


def template_files():
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if path.name in BILINGUAL_BY_DESIGN or SANDBOX_TEMPLATES in path.parents:
                continue
            yield path


def unmarked_text(source: str) -> list[str]:
    found = []
    for _, _, value in TEXT_ATTRIBUTE.findall(source):
        if WORD.search(TAG_OR_VARIABLE.sub("", value)):
            found.append(value)
    text = DJANGO_COMMENT.sub(" ", source)
    text = BLOCK_TRANSLATE.sub(" ", text)
    text = SCRIPT_OR_STYLE.sub(" ", text)
    text = HTML_COMMENT.sub(" ", text)
    text = TAG_OR_VARIABLE.sub(" ", text)
    text = HTML_TAG.sub("\n", text)
    for line in text.splitlines():
        line = line.strip()
        for literal in ALLOWED_LITERALS:
            line = line.replace(literal, "")
        if WORD.search(line):
            found.append(line)
    return found


def test_the_checker_notices_unmarked_text():
    assert unmarked_text("<p>Hello there</p>") == ["Hello there"]
    assert unmarked_text('<input placeholder="Search">') == ["Search"]
    assert unmarked_text("<p>{% translate 'Hello' %} {{ name }}</p>") == []
    assert unmarked_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []


def test_templates_have_no_unmarked_visible_text():
    problems = {}
    for path in template_files():
        found = unmarked_text(path.read_text())
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert problems == {}


def po_entries(path: Path):
    entry = {"flags": "", "msgid": "", "msgstr": ""}
    current = None
    for raw in [*path.read_text().splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry["msgid"] or entry["msgstr"]:
                yield entry
            entry, current = {"flags": "", "msgid": "", "msgstr": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid_plural", "msgctxt")):
            current = None
        elif line.startswith("msgid "):
            current, entry["msgid"] = "msgid", line[6:].strip('"')
        elif line.startswith("msgstr"):
            current = "msgstr"
            entry["msgstr"] += line.split(" ", 1)[1].strip('"')
        elif line.startswith('"') and current:
            entry[current] += line.strip('"')


def test_spanish_catalogue_is_complete_and_not_fuzzy():
    catalogue = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in po_entries(catalogue) if entry["msgid"]]
    assert len(entries) > 50
    assert [entry["msgid"] for entry in entries if not entry["msgstr"]] == []
    assert [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]] == []


def test_english_catalogue_is_complete():
    catalogue = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in po_entries(catalogue) if entry["msgid"]]
    assert [entry["msgid"] for entry in entries if not entry["msgstr"]] == []
