"""Converting the CSV transcription of Phụ lục III of Decision 148/QĐ-TTg
(one file per product set, ``set-NN-*.csv``) into sheet files
(``data/sheets/148-NN-*.yaml``, format ``ocop-criteria-sheet/1``).

Run ``manage.py convert_148_sheets CSV_DIR`` (docs/criteria-format.md, "The
148 sheets"): a better transcription is converted again the same way.

The CSV columns are ``title, description, level, stars, score``; ``level`` is
0 for a part, 1 a section, 2 a criterion and 3 an option (printed "□ …").
The reading, in order:

- a part "Phần A: … (40 Điểm)" has the code A; a section "6. CẢM QUAN" the code 6;
- a criterion "d) Liên kết sản xuất" in section 1 gets the code ``1.d``; its
  ``description`` ("Yêu cầu: …", "Ghi chú: …") becomes its ``note``;
- options directly under a section make one criterion ``<section>.a`` with the
  section's title (as the sheets that print "a )" there do);
- sub-criteria ("- Tạp chất" rows after a criterion with no options, or
  repeated letters "a) Ngoại hình - Tạp chất lạ") make the criterion a group:
  a sub-section ``6.a`` whose criteria ``6.a.1``, ``6.a.2``… add up to it;
- "a. Trường hợp 1: …" rows are alternative branches ``<section>.TH1``…, each
  holding its one criterion ``<section>.a``…;
- an option ending in ``***``, ``****`` or ``*****`` is marked for 3★, 4★ or
  5★ (``stars``) and becomes a mandatory condition ``M<N>-<criterion>``: for a
  single-choice criterion "this option or one worth more", for a tick-box
  criterion "this box ticked". A mark printed on a criterion is read as
  marking its lowest option (any answer qualifies) and said in the note.

Defects are corrected only where the sheet's own structure decides the
answer, and every correction is listed in the sheet's note: a criterion with
no maximum gets its best option's points; a letter in an option's score gets
the only whole number between its neighbours' points (options are printed in
increasing points). What the structure cannot settle is left as printed and
**flagged** at the part, section or criterion at fault, with the reason; the
platform loads a flagged sheet but opens no scoring on it until an
administrator confirms a correction.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

import yaml

LEGAL_BASIS = "148/QĐ-TTg"
EFFECTIVE_FROM = date(2023, 2, 24)
# The 26 product sets in the order of Phụ lục I (the CSV files are numbered so).
SET_CODES = (
    "I.1.a", "I.1.b", "I.2.a", "I.2.b", "I.3.a", "I.3.b", "I.3.c", "I.3.d", "I.4.a", "I.4.b",
    "I.5.a", "I.5.b", "I.6.a", "II.1.a", "II.1.b", "II.2.a", "II.2.b", "III.1.a", "III.2.a",
    "III.3.a", "IV.1.a", "IV.2.a", "V.1.a", "V.2.a", "V.3.a", "VI.1.a",
)  # fmt: skip
TRANSCRIPTION_NOTE = "Bản chép từ Phụ lục III, chưa đối chiếu với văn bản ký ban hành."
UNSETTLED = (
    "Cấu trúc của phiếu không đủ để xác định điểm đúng; giữ nguyên như bản chép, không tự "
    "thêm điểm. Cần quản trị viên đối chiếu văn bản ký ban hành và xác nhận trước khi chấm."
)
# Decision 1489's criteria assessed by the commune, as they are worded on the sheets.
COMMUNE_WORDS = (
    "nguon goc san pham",
    "nguon nguyen lieu",
    "su dung nguyen lieu",
    "su dung lao dong dia phuong",
    "nguon goc y tuong",
    "ban sac dia phuong",
)
OPTION_CODES = "abcdefghijklmnopqrstuvwxyz"
LETTERS = "abcdđeghiklmnopqrstuvxy"  # the letters of criteria, in the Vietnamese order
MARK = re.compile(r"\s*(\*{3,5})\s*$")
PART = re.compile(r"^Phần\s+([A-Z])\b[\s.:]*(.*?)\s*(?:\(\s*\d+\s*Điểm\s*\))?\s*$", re.S)
SECTION = re.compile(r"^(\d+)\s*\.\s*(.*)$", re.S)
CRITERION = re.compile(r"^([a-zđ])\s*\)\s*(.*)$", re.S)
BRANCH = re.compile(r"^([a-zđ])\s*\.\s*Trường hợp\s*(\d+)\s*:\s*(.*)$", re.S)
SUB = re.compile(r"^[-–]\s*(.*)$", re.S)


class TranscriptionError(ValueError):
    """A row the converter cannot read; the message names the file and row."""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Reading:
    """What the conversion of one file found, for the sheet's note."""

    corrections: list[str] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _points(raw: str) -> Decimal | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None if not text.isalpha() else Decimal(-1)  # -1: a letter, settled below


def convert_rows(rows: list[dict], *, name: str = "sheet") -> tuple[list[dict], _Reading]:
    """The parts of one sheet (the file structure) and what was corrected."""
    reading = _Reading()
    parts: list[dict] = []
    part = section = criterion = group = None
    letters = _group_letters(rows)
    for number, row in enumerate(rows, start=2):
        where = f"{name}, dòng {number}"
        title = (row.get("title") or "").strip()
        note = _one_line(row.get("description") or "")
        level = (row.get("level") or "").strip()
        score = _points(row.get("score"))
        if level == "0":
            match = PART.match(title)
            if not match:
                raise TranscriptionError(f"{where}: không đọc được phần “{title}”.")
            part = {"code": match[1], "title": _one_line(match[2]), "max": score, "sections": []}
            parts.append(part)
            section = criterion = group = None
        elif level == "1":
            match = SECTION.match(title)
            if part is None or not match:
                raise TranscriptionError(f"{where}: không đọc được mục “{title}”.")
            section = {"code": match[1], "title": _one_line(match[2]), "max": score}
            if note:
                section["note"] = note
            section["criteria"] = []
            part["sections"].append(section)
            criterion = group = None
        elif level == "2":
            if section is None:
                raise TranscriptionError(f"{where}: tiêu chí ngoài mục: “{title}”.")
            criterion, group = _criterion_row(
                title, note, score, section, criterion, group, letters, number, reading
            )
        elif level == "3":
            if section is None:
                raise TranscriptionError(f"{where}: phương án ngoài mục: “{title}”.")
            if criterion is None:
                criterion = _criterion(f"{section['code']}.a", section["title"], section["max"])
                section["criteria"].append(criterion)
            _option_row(title, score, criterion, where, reading)
        else:
            raise TranscriptionError(f"{where}: cấp “{level}” không rõ.")
    for part in parts:
        for section in part["sections"]:
            _settle(section, reading)
    return parts, reading


def _group_letters(rows: list[dict]) -> set[int]:
    """Row numbers of "a) Ngoại hình - Tạp chất lạ" rows whose letter repeats
    on a neighbouring criterion row: sub-criteria of one group."""
    found = set()
    criteria = [
        (i, CRITERION.match((r.get("title") or "").strip()))
        for i, r in enumerate(rows, start=2)
        if (r.get("level") or "").strip() == "2"
    ]
    for (i, a), (j, b) in pairwise(criteria):
        if a and b and a[1] == b[1] and " - " in a[2] and " - " in b[2]:
            found.update((i, j))
    return found


def _criterion(code: str, text: str, max_points) -> dict:
    item = {"code": code, "text": _one_line(text), "max": max_points, "options": []}
    if any(word in _fold(text) for word in COMMUNE_WORDS):
        item["commune"] = True
    return item


def _strip_mark(text: str) -> tuple[str, int | None]:
    match = MARK.search(text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), len(match[1])


def _criterion_row(title, note, score, section, criterion, group, letters, number, reading):
    """Place one level-2 row: a criterion, a sub-criterion, or a branch."""
    title, mark = _strip_mark(title)
    sub = SUB.match(title)
    if sub and criterion is not None and not criterion["options"] and group is None:
        # "a) Ngoại hình" (no options) followed by "- Tạp chất": a group.
        section["criteria"].remove(criterion)
        group = {"code": criterion["code"], "title": criterion["text"], "max": criterion["max"]}
        group["criteria"] = []
        section.setdefault("sections", []).append(group)
    if sub and group is not None:
        item = _criterion(f"{group['code']}.{len(group['criteria']) + 1}", sub[1], score)
        group["criteria"].append(item)
        return _marked(item, mark, note), group
    branch = BRANCH.match(title)
    if branch:
        code = f"{section['code']}.TH{branch[2]}"
        holder = {
            "code": code,
            "title": _one_line(f"Trường hợp {branch[2]}: {branch[3]}"),
            "max": score,
        }
        item = _criterion(f"{section['code']}.{branch[1]}", branch[3], score)
        holder["criteria"] = [item]
        section.setdefault("branches", []).append(holder)
        return _marked(item, mark, note), None
    match = CRITERION.match(title)
    if match is None:
        raise TranscriptionError(f"dòng {number}: không đọc được tiêu chí “{title}”.")
    if number in letters:
        name, _sep, rest = match[2].partition(" - ")
        code = f"{section['code']}.{match[1]}"
        if group is None or group["code"] != code:
            group = {"code": code, "title": _one_line(name), "criteria": []}
            section.setdefault("sections", []).append(group)
            reading.readings.append(
                f"tiêu chí {code} “{_one_line(name)}” in thành nhiều dòng “{name} - …”: "
                "đọc là một nhóm tiêu chí con"
            )
        item = _criterion(f"{code}.{len(group['criteria']) + 1}", rest, score)
        group["criteria"].append(item)
        return _marked(item, mark, note), group
    letter = match[1]
    used = {c["code"] for c in section["criteria"]}
    if f"{section['code']}.{letter}" in used:
        previous = section["criteria"][-1]["code"].rsplit(".", 1)[-1]
        following = LETTERS[LETTERS.index(previous) + 1] if previous in LETTERS else letter
        reading.readings.append(
            f"tiêu chí “{_one_line(match[2])}” của mục {section['code']} in chữ “{letter})” "
            f"trùng với tiêu chí {section['code']}.{letter}: đặt mã {section['code']}.{following} "
            f"(chữ tiếp theo sau “{previous})”)"
        )
        letter = following
    # "a)" alone (one criterion in the section): the criterion is the section.
    item = _criterion(f"{section['code']}.{letter}", match[2] or section["title"], score)
    section["criteria"].append(item)
    return _marked(item, mark, note), None


def _marked(item: dict, mark: int | None, note: str) -> dict:
    if note:
        item["note"] = note
    if mark:
        item["_mark"] = mark
    return item


def _option_row(title: str, score, criterion: dict, where: str, reading: _Reading) -> None:
    text = title.lstrip("□").strip()
    text, mark = _strip_mark(text)
    if score is None:
        raise TranscriptionError(f"{where}: phương án không có điểm: “{text}”.")
    option = {"code": OPTION_CODES[len(criterion["options"])], "text": _one_line(text)}
    option["points"] = score
    if mark:
        option["stars"] = mark
    criterion["options"].append(option)


def _criteria_of(section: dict):
    yield from section.get("criteria", [])
    for child in section.get("sections", []) + section.get("branches", []):
        yield from _criteria_of(child)


def _settle(section: dict, reading: _Reading) -> None:
    """Letters in scores and missing maxima, where the structure decides."""
    for criterion in _criteria_of(section):
        options = criterion["options"]
        for index, option in enumerate(options):
            if option["points"] != Decimal(-1):
                continue
            before = options[index - 1]["points"] if index else None
            after = options[index + 1]["points"] if index + 1 < len(options) else None
            if before is None or after is None or after - before != 2:
                raise TranscriptionError(
                    f"tiêu chí {criterion['code']}: ô điểm của phương án “{option['text']}” "
                    "là chữ và các phương án bên cạnh không quyết định được số."
                )
            option["points"] = before + 1
            reading.corrections.append(
                f"tiêu chí {criterion['code']}, phương án “{option['text'][:60]}”: ô điểm in chữ "
                f"thay cho số; các phương án in theo điểm tăng dần, giữa {before} và {after} "
                f"chỉ có {before + 1}, nên lấy {before + 1}"
            )
        if criterion["max"] is None and options:
            best = max(o["points"] for o in options)
            criterion["max"] = best
            reading.corrections.append(
                f"tiêu chí {criterion['code']} không in điểm tối đa: lấy điểm phương án cao "
                f"nhất ({best}), bằng điểm của mục {section['code']}"
                if best == section.get("max")
                else f"tiêu chí {criterion['code']} không in điểm tối đa: lấy điểm phương án "
                f"cao nhất ({best})"
            )


def conditions_for(parts: list[dict], reading: _Reading) -> list[dict]:
    """One mandatory condition per star mark (docs/criteria-format.md)."""
    conditions = []
    for part in parts:
        for section in part["sections"]:
            for criterion in _criteria_of(section):
                mark = criterion.pop("_mark", None)
                options = criterion["options"]
                if mark and options:
                    lowest = min(options, key=lambda o: o["points"])
                    lowest["stars"] = lowest.get("stars") or mark
                    reading.readings.append(
                        f"dấu {'*' * mark} in ở tiêu chí {criterion['code']} (không ở phương "
                        f"án): đọc là bắt buộc {mark} sao với mọi phương án"
                    )
                for option in options:
                    if not option.get("stars"):
                        option.pop("stars", None)
                        continue
                    star = option["stars"]
                    if criterion.get("kind") == "multi":
                        codes = [option["code"]]
                    else:
                        codes = [o["code"] for o in options if o["points"] >= option["points"]]
                    code = f"M{star}-{criterion['code']}"
                    if any(k["code"] == code for k in conditions):
                        code = f"{code}-{option['code']}"
                    conditions.append(
                        {
                            "code": code,
                            "kind": "mandatory",
                            "star": star,
                            "criterion": criterion["code"],
                            "options": codes,
                            "description": f"{criterion['code']} {criterion['text']}"[:600],
                        }
                    )
    return conditions


def set_names() -> dict[str, tuple[str, str]]:
    """Product set names by code (products/data/product_categories.yaml)."""
    path = Path(__file__).resolve().parents[1] / "products" / "data" / "product_categories.yaml"
    names = {}

    def walk(node):
        if isinstance(node, dict):
            if "code" in node and "name" in node:
                names[str(node["code"])] = (node["name"], node.get("name_en", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return names


def convert_file(path: Path, *, names: dict | None = None) -> dict:
    """The sheet file structure of one ``set-NN-*.csv`` (flags not yet set)."""
    match = re.match(r"set-(\d+)-", path.name)
    if not match or not 1 <= int(match[1]) <= len(SET_CODES):
        raise TranscriptionError(f"{path.name}: tên tệp phải là set-NN-….csv (NN từ 01 đến 26).")
    number = int(match[1])
    set_code = SET_CODES[number - 1]
    name, name_en = (names or set_names()).get(set_code, (set_code, set_code))
    parts, reading = convert_rows(read_rows(path), name=path.name)
    conditions = conditions_for(parts, reading)
    return {
        "format": "ocop-criteria-sheet/1",
        "code": f"148-{set_code}",
        "legal_basis": LEGAL_BASIS,
        "product_set": set_code,
        "title": f"Phiếu đánh giá, phân hạng sản phẩm OCOP – Bộ sản phẩm {number}. {name} "
        "(Phụ lục III, Quyết định 148/QĐ-TTg)",
        "title_en": f"OCOP scoring sheet – product set {number}. {name_en} "
        "(Annex III, Decision 148/QD-TTg)",
        "effective_from": EFFECTIVE_FROM,
        "official": False,
        "status": "transcription",
        "source": (
            f"Phụ lục III, Quyết định 148/QĐ-TTg ngày 24/02/2023, bộ sản phẩm số {number}. "
            "Bản chép: kho mã nguồn công khai augustine-tran/ocop, thư mục db/ocop/ "
            f"(commit d76e5ad, 20/03/2024), tệp {path.name}; chuyển bằng "
            "manage.py convert_148_sheets."
        ),
        "_reading": reading,
        "parts": parts,
        "conditions": conditions,
    }


def finish(sheet: dict, located: list[tuple[str | None, str]]) -> dict:
    """Flag what the validator still finds (the structure did not settle it)
    and write the note: the transcription warning, corrections, readings, flags."""
    reading: _Reading = sheet.pop("_reading")
    unlocated = [message for where, message in located if where is None]
    if unlocated:
        raise TranscriptionError(f"{sheet['code']}: " + " ".join(unlocated))
    flags = {}
    for where, message in located:
        flags.setdefault(where, []).append(message)
    sheet["flags"] = [
        {"at": where, "reason": f"{' '.join(messages)} {UNSETTLED}"}
        for where, messages in flags.items()
    ]
    note = [TRANSCRIPTION_NOTE]
    if reading.corrections:
        note.append("Đã sửa theo cấu trúc của phiếu: " + "; ".join(reading.corrections) + ".")
    if reading.readings:
        note.append("Cách đọc: " + "; ".join(reading.readings) + ".")
    if sheet["flags"]:
        note.append(
            "Cần đối chiếu (chưa mở chấm điểm cho đến khi quản trị viên xác nhận): "
            + "; ".join(f"{f['at']}: {' '.join(flags[f['at']])}" for f in sheet["flags"])
        )
    sheet["note"] = " ".join(note)
    keys = ["format", "code", "legal_basis", "product_set", "title", "title_en"]
    keys += ["effective_from", "official", "status", "source", "note", "flags", "parts"]
    for part in sheet["parts"]:
        for section in part["sections"]:
            _drop_empty(section)
    ordered = {k: sheet[k] for k in keys if k != "flags" or sheet["flags"]}
    ordered["conditions"] = sheet["conditions"]
    return ordered


def _drop_empty(section: dict) -> None:
    for key in ("criteria", "sections", "branches"):
        if key in section and not section[key]:
            del section[key]
    for child in section.get("sections", []) + section.get("branches", []):
        _drop_empty(child)


def slug(path: Path) -> str:
    match = re.match(r"set-(\d+)-(.*)\.csv$", path.name)
    return f"148-{match[1]}-{match[2]}" if match else path.stem


def _represent_decimal(dumper, value):
    number = value.normalize()
    text = format(number, "f")
    return (
        dumper.represent_int(int(number))
        if "." not in text
        else dumper.represent_float(float(text))
    )


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


_Dumper.add_representer(Decimal, _represent_decimal)


def dump(sheet: dict) -> str:
    header = (
        "# Bản chép Phụ lục III, Quyết định 148/QĐ-TTg – chưa đối chiếu với văn bản ký ban hành.\n"
        "# Tệp sinh ra bằng `manage.py convert_148_sheets CSV_DIR` (src/ocop/criteria/"
        "transcription.py);\n# sửa bản chép CSV rồi chuyển lại, đừng sửa tay tệp này.\n"
    )
    return header + yaml.dump(sheet, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
