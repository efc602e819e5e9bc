"""Vietnamese first: every user-facing string of ours has a Vietnamese translation."""

import re

from django.conf import settings

MSGID = r'^msgid "(.*?)"\n((?:".*"\n)*)(?:msgid_plural .*\n(?:".*"\n)*)?'
MSGSTR = r'msgstr(?:\[0\])? "(.*?)"\n((?:".*"\n)*)'
ENTRY = re.compile(MSGID + MSGSTR, re.M)


def _entries(path):
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            yield block, "fuzzy"
            continue
        match = ENTRY.search(block + "\n")
        if match is None:
            continue
        msgid = match.group(1) + "".join(re.findall(r'"(.*)"', match.group(2)))
        msgstr = match.group(3) + "".join(re.findall(r'"(.*)"', match.group(4)))
        if msgid and not msgstr:
            yield block, "untranslated"


def test_checker_finds_untranslated_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Save"\nmsgstr "Lưu"\n\nmsgid "Open"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Close"\nmsgstr "Đóng"\n',
        encoding="utf-8",
    )
    assert [kind for _, kind in _entries(po)] == ["untranslated", "fuzzy"]


def test_vietnamese_catalogue_is_complete():
    path = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    problems = [f"{kind}: {block.splitlines()[-2:]}" for block, kind in _entries(path)]
    assert problems == []
