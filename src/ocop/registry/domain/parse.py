"""Parsing the rows of a registry list: names, legal form, registration
number, product group, stars and decision of each row, and its address
resolved to a 2025 commune. A bad row is reported and left out."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.certification.domain.rules import NoRuleInForce, rules_table, valid_until_for
from ocop.certification.models import Certificate
from ocop.core.text import fold_key, fold_vi
from ocop.geo.domain.resolve import UNIT_TYPE_PREFIXES, AddressResolver, split_address
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject
from ocop.producers.validators import validate_registration_number
from ocop.products.domain.shorthands import group_shorthands
from ocop.products.enums import CategoryLevel
from ocop.products.models import Product, ProductCategory

from .cells import (
    decision_key,
    parse_date,
    parse_decision,
    parse_legal_form,
    parse_registration_number,
    parse_score,
    parse_star,
)
from .fields import ADDRESS_FIELDS, NUMBERING
from .problems import ERROR, WARNING, BadValue, Problem, Report
from .read import Layout

# The longest text each column may hold: the model fields it is written to.
TEXT_LIMITS = {
    "product_name": Product._meta.get_field("name").max_length,
    "subject_name": Subject._meta.get_field("name").max_length,
    **{name: Subject._meta.get_field("address").max_length for name in ADDRESS_FIELDS},
}
DECISION_LIMIT = Certificate._meta.get_field("decision_number").max_length


@dataclass
class Place:
    province: AdminUnit
    commune: AdminUnit
    precise: bool  # the address named a commune (not only a district)
    legacy: bool  # it was written with pre-2025 unit names
    street: str = ""
    text: str = ""
    warning: Problem | None = None


@dataclass
class Row:
    number: int
    product_name: str
    subject_name: str
    registration_number: str
    legal_form: str
    legal_form_explicit: bool
    place: Place
    category: ProductCategory | None
    star: int | None
    score: Decimal | None
    decision_number: str
    decision_date: date | None
    valid_until: date | None


class Reference:
    """The reference data rows are read against: product categories (with
    the legal basis in force by date) and the certification validity rules."""

    def __init__(self):
        self.certification_rules = None
        categories = list(ProductCategory.objects.all())
        self.category_by_id = {c.pk: c for c in categories}
        self.category_by_code = {c.code.casefold(): c for c in categories}
        self.category_by_name = defaultdict(list)
        for c in categories:
            self.category_by_name[fold_key(c.name)].append(c)
        children = defaultdict(list)
        for c in categories:
            children[c.parent_id].append(c)
        self.category_children = children
        bases: dict[str, list[date]] = {}
        for c in categories:
            start, end = bases.setdefault(c.legal_basis, [c.valid_from, c.valid_to or date.max])
            bases[c.legal_basis] = [min(start, c.valid_from), max(end, c.valid_to or date.max)]
        self.bases = sorted(bases.items(), key=lambda item: item[1][0])
        self.group_cache: dict[tuple[str, str], ProductCategory | None] = {}

    def valid_until(self, decision_date: date) -> date | None:
        """Expiry by the certification rule in force on the decision date
        (rules are data); ``None`` when no rule is loaded for that date."""
        if self.certification_rules is None:
            self.certification_rules = rules_table()
        try:
            return valid_until_for(issued_on=decision_date, table=self.certification_rules)
        except NoRuleInForce:
            return None

    def legal_basis(self, day: date | None) -> str:
        """The decision in force on ``day`` (1048/QĐ-TTg before 24/02/2023,
        148/QĐ-TTg since), from the classification's own dates."""
        if day is None or not self.bases:
            return ""
        for basis, (start, end) in self.bases:
            if start <= day <= end:
                return basis
        return self.bases[0][0] if day < self.bases[0][1][0] else self.bases[-1][0]

    def _leaf(self, category: ProductCategory) -> ProductCategory:
        """A sub-group with a single set stands for that set."""
        sets = self.category_children.get(category.pk, [])
        if category.level == CategoryLevel.SUBGROUP and len(sets) == 1:
            return sets[0]
        return category

    def category(self, text: str, basis: str) -> ProductCategory | None:
        key = (text, basis)
        if key not in self.group_cache:
            self.group_cache[key] = self._category(text, basis)
        return self.group_cache[key]

    def shorthand(self, text: str, basis: str) -> list[ProductCategory] | None:
        """The categories a group shorthand of provincial lists ("Chè",
        "Dược liệu") stands for (products' data); None when it is none."""
        shorthand_basis, table = group_shorthands()
        if basis and basis != shorthand_basis:
            return None
        codes = table.get(fold_key(text.rstrip(".…")))
        if not codes:
            return None
        found = [self.category_by_code.get(code.casefold()) for code in codes]
        return [self._leaf(c) for c in found if c is not None] or None

    def _category(self, text: str, basis: str) -> ProductCategory | None:
        meant = self.shorthand(text, basis)
        if meant is not None:
            return meant[0] if len(meant) == 1 else None
        first = text.split()[0].rstrip(".):").casefold() if text.split() else ""
        if first in self.category_by_code:
            return self._leaf(self.category_by_code[first])
        name = fold_key(text.rstrip(".…").removesuffix("..."))
        candidates = [
            *self.category_by_name.get(name, []),
            *self.category_by_name.get(f"san pham {name}", []),
        ]
        if not candidates and len(name) >= 4:
            candidates = [
                c
                for key, cats in self.category_by_name.items()
                if key.startswith(name)
                for c in cats
                if c.level == CategoryLevel.SET
            ]
            if len({c.pk for c in candidates}) > 1:
                return None
        if not candidates:
            return None
        preferred = basis or "148/QĐ-TTg"
        candidates.sort(
            key=lambda c: (
                c.legal_basis != preferred,
                [CategoryLevel.SET, CategoryLevel.SUBGROUP, CategoryLevel.GROUP].index(c.level),
            )
        )
        return self._leaf(candidates[0])

    # Rows


class RowParser:
    """Reads the rows of one list; caches resolved addresses."""

    def __init__(
        self,
        *,
        province,
        today: date,
        layout: Layout,
        report: Report,
        resolver: AddressResolver,
        reference: Reference,
    ):
        self.province = province
        self.today = today
        self.layout = layout
        self.report = report
        self.resolver = resolver
        self.reference = reference
        self.places: dict[tuple, Place | BadValue] = {}
        self.section_locality = ""
        # The decision of an annex (its title rows or the upload form): given
        # to every row with a star that names no decision of its own.
        self.annex_number = ""
        self.annex_date: date | None = None

    def is_section(self, values: list) -> bool:
        """Title rows inside the table ("I. HUYỆN HOẰNG HÓA", "Tổng cộng")."""
        if self.layout.text(values, "product_name") or self.layout.text(values, "subject_name"):
            seq = self.layout.value(values, "seq")
            return isinstance(seq, str) and fold_vi(seq).startswith("tong")
        seq = set(self.layout.by_field.get("seq", ()))
        filled = [v for i, v in enumerate(values) if v not in (None, "") and i not in seq]
        if len(filled) > 1:
            return False  # a data row without names: reported as such
        filled = [v for v in values if v not in (None, "")]
        if len(filled) == 1 and isinstance(filled[0], str):
            heading = re.sub(r"^\s*[IVXLC\d]+[.)]\s*|^\s*[A-Za-z][.)]\s*", "", filled[0])
            if fold_vi(heading).startswith(UNIT_TYPE_PREFIXES):
                self.section_locality = heading
        return True

    def parse_row(self, number: int, values: list) -> Row | None:
        product_name = self.layout.text(values, "product_name")
        subject_name = self.layout.text(values, "subject_name")
        if NUMBERING.match(product_name) and NUMBERING.match(subject_name):
            return None  # the (1) (2) (3) row under a header
        self.report.counts.rows += 1
        errors = 0

        def bad(name, exc, value=None):
            nonlocal errors
            errors += exc.severity == ERROR
            self.report.problem(number, self.layout.label(name), exc, value)

        uncalculated = [f for f in self.layout.by_field if self.layout.uncalculated(number, f)]
        for name in uncalculated:
            bad(
                name,
                BadValue(
                    "formula_without_value",
                    _(
                        "A formula cell without a calculated value — open the file in "
                        "Excel/LibreOffice, save it and upload it again."
                    ),
                ),
            )
        if not product_name and "product_name" not in uncalculated:
            bad("product_name", BadValue("missing_product", _("The product name is missing.")))
        if not subject_name and "subject_name" not in uncalculated:
            bad("subject_name", BadValue("missing_subject", _("The subject name is missing.")))
        for name, limit in TEXT_LIMITS.items():
            text = self.layout.text(values, name)
            if len(text) > limit:
                bad(name, too_long(text, limit), text)
        parsed = {}
        for name, parser in (("star", parse_star), ("score", parse_score)):
            try:
                parsed[name] = parser(self.layout.value(values, name))
            except BadValue as exc:
                bad(name, exc, self.layout.value(values, name))
                parsed[name] = None
        decision_number, date_text = parse_decision(self.layout.value(values, "decision_number"))
        if not decision_number and parsed["star"] is not None:
            decision_number = self.annex_number
        if len(decision_number) > DECISION_LIMIT:
            bad("decision_number", too_long(decision_number, DECISION_LIMIT), decision_number)
        raw_date = self.layout.value(values, "decision_date") or date_text or None
        date_column = (
            "decision_date" if self.layout.value(values, "decision_date") else "decision_number"
        )
        try:
            decision_date = parse_date(raw_date, today=self.today)
        except BadValue as exc:
            bad(date_column, exc, raw_date)
            decision_date = None
        if (
            raw_date is None
            and decision_number
            and self.annex_number
            and decision_key(decision_number) == decision_key(self.annex_number)
        ):
            decision_date = self.annex_date
        try:
            valid_until = parse_date(self.layout.value(values, "valid_until"), today=date.max)
        except BadValue:
            valid_until = None  # recomputed from the decision date anyway
        star = parsed["star"]
        if star is not None and decision_number and decision_date is None and not errors:
            bad(
                date_column,
                BadValue(
                    "undated_star",
                    _(
                        "No decision date: the certificate is recorded with its validity "
                        "“not determined” and is not counted as in force until its decision "
                        "date is added."
                    ),
                    WARNING,
                ),
            )
        if star is None and (parsed["score"] is not None or decision_number) and not errors:
            bad(
                "star",
                BadValue(
                    "missing_star", _("A score or decision is given without the star rating.")
                ),
            )
        # Legal form and registration number.
        form_text = self.layout.text(values, "legal_form")
        legal_form = parse_legal_form(form_text) if form_text else None
        explicit = legal_form is not None
        if form_text and legal_form is None:
            bad(
                "legal_form",
                BadValue(
                    "unknown_legal_form",
                    _("Unknown legal form “%(value)s”; it was guessed from the name.")
                    % {"value": form_text},
                    WARNING,
                ),
            )
        if legal_form is None:
            legal_form = parse_legal_form(subject_name) or LegalForm.HOUSEHOLD
        registration = parse_registration_number(self.layout.value(values, "registration_number"))
        if registration:
            try:
                validate_registration_number(registration, legal_form=legal_form)
            except ValidationError as exc:
                bad(
                    "registration_number",
                    BadValue("bad_registration_number", " ".join(exc.messages)),
                    registration,
                )
        # Product group.
        group_text = self.layout.text(values, "group")
        category = None
        basis = self.reference.legal_basis(decision_date)
        meant = self.reference.shorthand(group_text, basis) if group_text else None
        if meant is not None and len(meant) > 1:
            bad(
                "group",
                BadValue(
                    "ambiguous_group",
                    _(
                        "“%(value)s” may mean several product sets (%(candidates)s): write "
                        "the code of the right one in the group column."
                    )
                    % {
                        "value": group_text,
                        "candidates": "; ".join(f"{c.code} {c.name}" for c in meant),
                    },
                ),
                group_text,
            )
        elif group_text:
            category = self.reference.category(group_text, basis)
            if category is None:
                bad(
                    "group",
                    BadValue(
                        "unknown_group",
                        _(
                            "Unknown product group “%(value)s”; the product is imported "
                            "without a product set."
                        )
                        % {"value": group_text},
                        WARNING,
                    ),
                )
        place = self.place(number, values)
        if isinstance(place, BadValue):
            errors += 1
            self.report.problem(number, place.column, place, place.text)
        elif place.warning is not None:
            warning = place.warning
            self.report.problem(
                number, warning.column, BadValue(warning.code, warning.message, WARNING), place.text
            )
        if errors:
            return None
        if decision_date is not None:
            valid_until = self.reference.valid_until(decision_date)
        return Row(
            number=number,
            product_name=product_name,
            subject_name=subject_name,
            registration_number=registration or "",
            legal_form=legal_form,
            legal_form_explicit=explicit,
            place=place,
            category=category,
            star=star,
            score=parsed["score"],
            decision_number=decision_number,
            decision_date=decision_date,
            valid_until=valid_until,
        )

    def address_parts(self, values: list) -> tuple[list[str], str, str]:
        """(address parts, province text, column of the first part)."""
        parts, column = [], ""
        seen = ""
        for name in ("address", "commune", "district", "locality"):
            text = self.layout.text(values, name)
            if not text:
                continue
            folded = fold_vi(text)
            if name == "district" and not folded.startswith(UNIT_TYPE_PREFIXES):
                text = f"Huyện {text}"
            elif name == "commune" and not folded.startswith(UNIT_TYPE_PREFIXES):
                text = f"Xã {text}"
            key = fold_key(text)
            if key and key in seen:
                continue
            seen = f"{seen} | {key}"
            parts.append(text)
            column = column or self.layout.label(name)
        if not parts and self.section_locality:
            parts.append(self.section_locality)
        return parts, self.layout.text(values, "province"), column or self.layout.label("address")

    def place(self, number: int, values: list):
        key = (
            *(self.layout.value(values, name) for name in ADDRESS_FIELDS),
            self.section_locality,
        )
        if key not in self.places:
            parts, province_text, column = self.address_parts(values)
            place = self._place(parts, province_text, column)
            if isinstance(place, BadValue):
                place.column = column
            self.places[key] = place
        return self.places[key]

    def _place(self, parts: list[str], province_text: str, column: str):
        resolver = self.resolver
        written = ", ".join([*parts, province_text] if province_text else parts)
        text_parts = [p for p in split_address(written) if p]
        target = self.province
        if not text_parts:
            return BadValue("missing_address", _("The address (commune or district) is missing."))
        explicit = None
        if province_text:
            explicit = resolver.province_named(province_text)
            if explicit is None:
                return _bad_with_text(
                    BadValue(
                        "unknown_province",
                        _("Unknown province “%(value)s”.") % {"value": province_text},
                    ),
                    written,
                )
        else:
            explicit = resolver.province_named(text_parts[-1])
        if explicit is not None and target is not None and explicit.pk != target.pk:
            return _bad_with_text(
                BadValue(
                    "other_province",
                    _("The address “%(value)s” is in %(province)s, not in %(target)s.")
                    % {
                        "value": written,
                        "province": explicit.full_name,
                        "target": target.full_name,
                    },
                ),
                written,
            )
        if explicit is None and target is None:
            return _bad_with_text(
                BadValue(
                    "no_province",
                    _(
                        "The address “%(value)s” names no province: choose the province "
                        "of the list (--province)."
                    )
                    % {"value": written},
                ),
                written,
            )
        province = explicit or target
        resolved = resolver.resolve(written if explicit else f"{written}, {target.full_name}")
        if explicit and resolved.matched is not None and resolved.matched.level == Level.PROVINCE:
            # "Thành phố Thanh Hóa" names the province and also its old city:
            # read it again as a unit inside the province.
            retry = resolver.resolve(f"{written}, {province.full_name}")
            if retry.matched is not None and retry.matched.level != Level.PROVINCE:
                resolved = retry
        matched = resolved.matched
        warning = None
        if resolved.province is None or resolved.province.pk != province.pk:
            matched = None
        if matched is None or matched.level == Level.PROVINCE:
            return _bad_with_text(
                BadValue(
                    "unknown_address",
                    _(
                        "No commune or district of %(province)s was found in the address "
                        "“%(value)s”."
                    )
                    % {"value": written, "province": province.full_name},
                ),
                written,
            )
        commune, precise = resolved.commune, True
        district = matched if matched.level == Level.DISTRICT else None
        if commune is None and matched.level == Level.COMMUNE and matched.era == Era.LEGACY:
            district = resolver.parent(matched)  # an old commune without a 2025 successor
        if commune is None and district is not None:
            commune, precise = resolver.district_commune(district), False
            if commune is not None and district is matched:
                warning = Problem(
                    0,
                    column,
                    "district_only",
                    _(
                        "Only the district “%(district)s” is given; the subject was placed "
                        "in %(commune)s. Check its commune."
                    )
                    % {"district": matched.full_name, "commune": commune.full_name},
                    WARNING,
                )
            elif commune is not None:
                warning = Problem(
                    0,
                    column,
                    "no_successor",
                    _(
                        "“%(unit)s” has no 2025 successor in the official tables; the "
                        "subject was placed in %(commune)s, in its former district. Check "
                        "its commune."
                    )
                    % {"unit": matched.full_name, "commune": commune.full_name},
                    WARNING,
                )
        if commune is None:
            return _bad_with_text(
                BadValue(
                    "no_successor",
                    _("“%(unit)s” has no single 2025 commune; give the commune.")
                    % {"unit": matched.full_name},
                ),
                written,
            )
        street = self.street(province, parts[0]) if self.layout.by_field.get("address") else ""
        return Place(
            province=province,
            commune=commune,
            precise=precise,
            legacy=matched.era == Era.LEGACY,
            street=street[:255],
            text=written[:255],
            warning=warning,
        )

    def street(self, province, address: str) -> str:
        """ "Thôn 3" of "Thôn 3, Xã Hoằng Trung, Huyện Hoằng Hóa"."""
        leading = []
        for part in split_address(address):
            if self.resolver.is_unit_name(province, part):
                break
            leading.append(part)
        return ", ".join(leading)

    # Matching


def too_long(text: str, limit: int) -> BadValue:
    """A text longer than its column in the database: refused, never cut."""
    return BadValue(
        "too_long",
        _(
            "This is %(length)s characters long; the limit is %(limit)s. Shorten it: "
            "nothing is cut on import."
        )
        % {"length": len(text), "limit": limit},
    )


def _bad_with_text(bad: BadValue, text: str) -> BadValue:
    bad.text = text
    return bad
