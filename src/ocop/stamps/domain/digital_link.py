"""GS1 Digital Link (1.2+) syntax for the resolver: the uncompressed path
form ``/01/{gtin}[/22/…][/10/…][/21/…]`` with its query attributes, and the
compressed form (GS1 Digital Link: Compression), decompressed with the tables
of GS1's own toolkit (``data/gs1_digital_link.json``, taken from
``GS1DigitalLinkToolkit.js`` as shipped in the npm package ``digital-link.js``:
which AI keys are 2, 3 or 4 digits, each AI's value format, the optimisation
codes for common AI sequences, and each AI's syntax).

Only the GTIN (AI 01) is a primary key this resolver answers for; its key
qualifiers come in GS1's order (22, 10, 21). A value that breaks its AI's
syntax (a GTIN's check digit included) is a syntax error, answered 400.
"""

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote

DATA = Path(__file__).resolve().parent.parent / "data" / "gs1_digital_link.json"
SAFE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
COMPRESSED = re.compile(r"^[A-Za-z0-9_-]{8,}$")
QUALIFIERS = ("22", "10", "21")  # of AI 01, in the order a path must give them
# Query parameters of the resolver itself (GS1 Digital Link 1.2, §8), never AIs.
RESOLVER_PARAMETERS = frozenset({"linkType", "context", "lang", "linktype"})


class DigitalLinkError(ValueError):
    """A path or query that is not a valid GS1 Digital Link (HTTP 400)."""


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # GTIN-14
    qualifiers: dict[str, str]  # AI -> value: 22, 10, 21 when present
    attributes: dict[str, str] = field(default_factory=dict)  # data attributes (AIs in the query)

    @property
    def serial(self) -> str:
        return self.qualifiers.get("21", "")

    @property
    def lot(self) -> str:
        return self.qualifiers.get("10", "")

    def path(self) -> str:
        """The canonical uncompressed path (qualifiers in GS1's order)."""
        parts = ["01", self.gtin]
        for ai in QUALIFIERS:
            if ai in self.qualifiers:
                parts += [ai, self.qualifiers[ai]]
        return "/" + "/".join(parts)


@cache
def tables() -> dict:
    data = json.loads(DATA.read_text())
    data["regex"] = {ai: re.compile(f"^{spec['regex']}$") for ai, spec in data["ai"].items()}
    return data


@lru_cache(maxsize=4096)
def check_digit_ok(digits: str) -> bool:
    """The GS1 mod-10 check digit of a GTIN (any length)."""
    if not digits.isascii() or not digits.isdigit() or len(digits) < 2:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def validate(ai: str, value: str) -> None:
    """Raise ``DigitalLinkError`` unless ``value`` fits the AI's syntax."""
    pattern = tables()["regex"].get(ai)
    if pattern is None:
        raise DigitalLinkError(f"unknown GS1 Application Identifier {ai}")
    if not pattern.match(value):
        raise DigitalLinkError(f"invalid value for AI ({ai})")
    if ai == "01" and not check_digit_ok(value):
        raise DigitalLinkError("wrong GTIN check digit")


# Decompression ----------------------------------------------------------------


def _length_bits(maximum: int) -> int:
    # ceil(log2(maximum) + 0.01), as the toolkit computes it
    return maximum.bit_length()


def _value_bits(digits: int) -> int:
    # ceil(digits · log2(10) + 0.01), as the toolkit computes it
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


class _Bits:
    def __init__(self, text: str):
        self.bits = "".join(f"{SAFE64.index(c):06b}" for c in text)
        self.cursor = 0

    def take(self, n: int) -> str:
        if self.cursor + n > len(self.bits):
            raise DigitalLinkError("compressed link ends too early")
        chunk = self.bits[self.cursor : self.cursor + n]
        self.cursor += n
        return chunk

    def number(self, n: int) -> int:
        return int(self.take(n), 2) if n else 0

    def left(self) -> int:
        return len(self.bits) - self.cursor


def _chars(bits: _Bits, encoding: int, count: int) -> str:
    if encoding == 0:  # digits, 3.32 bits each
        return str(bits.number(_value_bits(count))).zfill(count) if count else ""
    if encoding in (1, 2):  # hexadecimal, lower or upper case
        text = "".join(HEX[bits.number(4)] for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:  # URI-safe base64
        return "".join(SAFE64[bits.number(6)] for _ in range(count))
    if encoding == 4:  # 7-bit ASCII
        return "".join(chr(bits.number(7)) for _ in range(count))
    raise DigitalLinkError("unknown character encoding in a compressed link")


def _value(bits: _Bits, ai: str) -> str:
    formats = tables()["tableF"].get(ai)
    if formats is None:
        raise DigitalLinkError(f"no format for AI ({ai})")
    value = ""
    for part in formats:
        if part["E"] == "N" and "L" in part:
            size = int(part["L"])
            value += str(bits.number(_value_bits(size))).zfill(size)
        elif part["E"] == "N":
            digits = bits.number(_length_bits(int(part["M"])))
            value += str(bits.number(_value_bits(digits))) if digits else ""
        elif "L" in part:
            encoding = bits.number(3)
            value += _chars(bits, encoding, int(part["L"]))
        else:
            encoding = bits.number(3)
            count = bits.number(_length_bits(int(part["M"])))
            value += _chars(bits, encoding, count)
    return value


def decompress(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The AIs and the other key=value pairs of a compressed Digital Link
    path segment (``DigitalLinkError`` if it is not one)."""
    if not COMPRESSED.match(text):
        raise DigitalLinkError("not a compressed Digital Link")
    data = tables()
    bits = _Bits(text)
    found: dict[str, str] = {}
    other: dict[str, str] = {}
    while bits.left() > 8:
        h1, h2 = HEX[bits.number(4)], HEX[bits.number(4)]
        pair = h1 + h2
        if h1 in "0123456789" and h2 in "0123456789":
            size = data["tableP"].get(pair)
            if size is None:
                raise DigitalLinkError(f"reserved AI range {pair}")
            ai = pair
            for _ in range(size - 2):
                digit = bits.number(4)
                if digit > 9:
                    raise DigitalLinkError("AI keys are numeric")
                ai += str(digit)
            found[ai] = _value(bits, ai)
        elif pair in data["tableOpt"]:
            for ai in data["tableOpt"][pair]:
                found[ai] = _value(bits, ai)
        elif h1 == "F":  # a non-GS1 key=value pair
            bits.cursor -= 4
            length = bits.number(7)
            key = "".join(SAFE64[bits.number(6)] for _ in range(length))
            encoding = bits.number(3)
            count = bits.number(7)
            other[key] = _chars(bits, encoding, count)
        else:
            raise DigitalLinkError(f"no optimisation {pair}")
    if not found:
        raise DigitalLinkError("no GS1 Application Identifier")
    return found, other


# Parsing ----------------------------------------------------------------------


def _link(values: dict[str, str], query: dict[str, str]) -> DigitalLink:
    if "01" not in values:
        raise DigitalLinkError("this resolver answers for GTINs (AI 01) only")
    for ai, value in values.items():
        validate(ai, value)
    attributes = {}
    for key, value in query.items():
        if key.isdigit():
            validate(key, value)
            if key in ("01", *QUALIFIERS):
                raise DigitalLinkError(f"AI ({key}) belongs in the path")
            attributes[key] = value
    qualifiers = {ai: values[ai] for ai in QUALIFIERS if ai in values}
    extra = set(values) - {"01", *QUALIFIERS}
    attributes.update({ai: values[ai] for ai in extra})
    return DigitalLink(gtin=values["01"].zfill(14), qualifiers=qualifiers, attributes=attributes)


def query_pairs(query_string: str) -> dict[str, str]:
    return dict(parse_qsl(query_string.replace(";", "&"), keep_blank_values=True))


# What our stamps print: /01/{GTIN-14}[/10/{lot}]/21/{serial}, nothing escaped.
PRINTED = re.compile(r"/01/([0-9]{14})(?:/10/([^/%]+))?/21/([^/%]+)")


def parse_path(path: str, query_string: str = "") -> DigitalLink:
    """An uncompressed Digital Link path (``/01/{gtin}/…``). The printed form
    without a query is read by one pattern, each value checked as below (the
    same checks in the same order: ``tests/verify/test_resolver.py``)."""
    printed = None if query_string else PRINTED.fullmatch(path)
    if printed is None:
        return _parse_path(path, query_string)
    gtin, lot, serial = printed.groups()
    validate("01", gtin)
    if lot is not None:
        validate("10", lot)
    validate("21", serial)
    qualifiers = {"10": lot, "21": serial} if lot is not None else {"21": serial}
    return DigitalLink(gtin=gtin, qualifiers=qualifiers)


def _parse_path(path: str, query_string: str = "") -> DigitalLink:
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) < 2 or len(parts) % 2 or parts[0] != "01":
        raise DigitalLinkError("a GTIN path is /01/{GTIN} followed by key qualifiers")
    gtin = parts[1]
    if len(gtin) not in (8, 12, 13, 14):
        raise DigitalLinkError("a GTIN has 8, 12, 13 or 14 digits")
    values = {"01": gtin.zfill(14)}
    order = []
    for ai, value in zip(parts[2::2], parts[3::2], strict=True):
        if ai not in QUALIFIERS or ai in values:
            raise DigitalLinkError(f"unexpected key qualifier ({ai})")
        order.append(ai)
        values[ai] = value
    if order != sorted(order, key=QUALIFIERS.index):
        raise DigitalLinkError("key qualifiers out of order")
    return _link(values, query_pairs(query_string))


def parse_compressed(segment: str, query_string: str = "") -> DigitalLink:
    found, _other = decompress(segment)
    return _link(found, query_pairs(query_string))
