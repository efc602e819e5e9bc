"""Applying a province's package at the centre: verified first (signature,
SHA-256, counts — see ``package.open_package``), then every record upserted
in one transaction by the province's reference, found the first time by its
identity (the national product code, the certificate number, the subject's
registration number, the decision's number). Nothing is ever deleted; a
record whose fingerprint is the one last applied, or that is older than it,
changes nothing (a replayed package is a no-op); what cannot be applied is
listed in the conflict report with the reason, and the rest is applied."""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ocop.certification.domain.replica import (
    save_certificate_replica,
    save_decision_replica,
    save_revocation_replica,
    set_superseded_by,
)
from ocop.certification.models import Certificate, Decision, Revocation, RevocationGround
from ocop.core.domain.activity import log_action
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.domain.replica import save_subject_replica
from ocop.producers.models import Subject
from ocop.products.domain.replica import save_product_replica
from ocop.products.models import Product, ProductCategory

from ..models import Direction, Package, Replica
from . import records
from .package import PackageError, digest, open_package

MODELS = {
    "subjects": Subject,
    "products": Product,
    "decisions": Decision,
    "certificates": Certificate,
    "revocations": Revocation,
}


class Conflict(Exception):
    """A record that cannot be applied; the message says why."""


def _date(value):
    return date.fromisoformat(value) if value else None


class Importer:
    def __init__(self, *, province, by):
        self.province = province
        self.code = province.code
        self.by = by
        self.outcome = {kind: Counter() for kind in records.KINDS}
        self.conflicts: list[dict] = []
        self.replicas = {
            (r.kind, r.ref): r for r in Replica.objects.filter(province_code=self.code)
        }
        self.communes = {}
        self.categories = {c.code: c for c in ProductCategory.objects.all()}
        self.grounds = {g.code: g for g in RevocationGround.objects.all()}
        self.superseding: list[tuple[Certificate, str]] = []

    # Lookups

    def commune(self, code: str) -> AdminUnit:
        if code not in self.communes:
            self.communes[code] = AdminUnit.objects.filter(
                era=Era.CURRENT, level=Level.COMMUNE, code=code
            ).first()
        unit = self.communes[code]
        if unit is None or unit.province_id != self.province.pk:
            raise Conflict(
                _("Commune %(code)s is not a commune of this province.") % {"code": code}
            )
        return unit

    def held(self, kind: str, ref: str):
        """The centre's row for a province's reference (None if not held)."""
        replica = self.replicas.get((kind, ref))
        if replica is None:
            return None
        return MODELS[kind].objects.filter(pk=replica.object_id).first()

    def required(self, kind: str, ref: str):
        obj = self.held(kind, ref) if ref else None
        if obj is None:
            raise Conflict(
                _("It refers to %(ref)s, which the centre does not hold.") % {"ref": ref}
            )
        return obj

    # Identity the first time a reference is met

    def match(self, kind: str, record: dict):
        if kind == "products" and record["national_code"]:
            found = Product.objects.filter(national_code=record["national_code"]).first()
            if found is not None and found.province_id != self.province.pk:
                raise Conflict(
                    _("National code %(code)s belongs to a product of another province.")
                    % {"code": record["national_code"]}
                )
            return found
        if kind == "certificates" and record["number"]:
            found = Certificate.objects.filter(number=record["number"]).first()
            if found is not None and found.product.province_id != self.province.pk:
                raise Conflict(
                    _("Certificate number %(number)s belongs to another province.")
                    % {"number": record["number"]}
                )
            return found
        if kind == "subjects" and record["registration_number"]:
            found = Subject.objects.filter(
                registration_number=record["registration_number"]
            ).first()
            if found is not None and found.province_id != self.province.pk:
                raise Conflict(
                    _("Registration number %(number)s belongs to a subject of another province.")
                    % {"number": record["registration_number"]}
                )
            return found
        if kind == "decisions" and record["number"]:
            return Decision.objects.filter(
                state="issued", level=record["level"], unit=self.province, number=record["number"]
            ).first()
        if kind == "revocations":
            certificate = self.required("certificates", record["certificate_ref"])
            return Revocation.objects.filter(certificate=certificate).first()
        return None

    # Values of each kind

    def values(self, kind: str, record: dict) -> dict:
        if kind == "subjects":
            return {
                "name": record["name"],
                "legal_form": record["legal_form"],
                "registration_number": record["registration_number"] or None,
                "commune": self.commune(record["commune_code"]),
                "address": record["address"],
            }
        if kind == "products":
            category = self.categories.get(record["category_code"])
            if record["category_code"] and category is None:
                raise Conflict(
                    _("Product set %(code)s is unknown here.") % {"code": record["category_code"]}
                )
            return {
                "subject": self.required("subjects", record["subject_ref"]),
                "national_code": record["national_code"],
                "name": record["name"],
                "category": category,
                "gtin": record["gtin"],
                "commune": self.commune(record["commune_code"]),
                "status": record["status"],
                "star": record["star"],
                "certified_until": _date(record["certified_until"]),
            }
        if kind == "decisions":
            return {
                "state": "issued",
                "number": record["number"],
                "date": _date(record["date"]),
                "title": record["title"],
                "authority": record["authority"],
                "level": record["level"],
                "unit": self.province,
                "legal_basis": record["legal_basis"],
                "signer_name": record["signer_name"],
                "signer_title": record["signer_title"],
                "issued_at": parse_datetime(record["updated"]) if record["updated"] else None,
            }
        if kind == "certificates":
            return {
                "number": record["number"],
                "product": self.required("products", record["product_ref"]),
                "star": record["star"],
                "score": Decimal(record["score"]) if record["score"] is not None else None,
                "decision": (
                    self.required("decisions", record["decision_ref"])
                    if record["decision_ref"]
                    else None
                ),
                "decision_number": record["decision_number"],
                "decision_date": _date(record["decision_date"]),
                "authority_level": record["authority_level"],
                "valid_until": _date(record["valid_until"]),
                "legal_basis": record["legal_basis"],
                "source": record["source"],
                "status": record["status"],
                "status_changed_at": timezone.now(),
            }
        ground = self.grounds.get(record["ground_code"])
        if ground is None:
            raise Conflict(
                _("Revocation ground %(code)s is unknown here.") % {"code": record["ground_code"]}
            )
        return {
            "certificate": self.required("certificates", record["certificate_ref"]),
            "ground": ground,
            "decision_number": record["decision_number"],
            "decision_date": _date(record["decision_date"]),
            "authority": record["authority"],
            "details": record["details"],
            "by": self.by,
        }

    SAVERS = {
        "subjects": lambda obj, values: save_subject_replica(subject=obj, values=values),
        "products": lambda obj, values: save_product_replica(product=obj, values=values),
        "decisions": lambda obj, values: save_decision_replica(decision=obj, values=values),
        "certificates": lambda obj, values: save_certificate_replica(
            certificate=obj, values=values
        ),
        "revocations": lambda obj, values: save_revocation_replica(revocation=obj, values=values),
    }

    def apply(self, kind: str, record: dict) -> None:
        ref = str(record.get("ref", ""))
        fingerprint = digest(records.without_stamp(record))
        replica = self.replicas.get((kind, ref))
        if replica is not None and replica.fingerprint == fingerprint:
            self.outcome[kind]["unchanged"] += 1
            return
        if replica is not None and str(record.get("updated", "")) < replica.source_updated:
            self.outcome[kind]["older"] += 1
            return
        try:
            with transaction.atomic():
                obj = self.held(kind, ref) if replica is not None else self.match(kind, record)
                if (
                    obj is not None
                    and replica is None
                    and Replica.objects.filter(kind=kind, object_id=obj.pk)
                    .exclude(province_code=self.code, ref=ref)
                    .exists()
                ):
                    raise Conflict(_("The centre's row is already the copy of another record."))
                created = obj is None
                obj = self.SAVERS[kind](obj, self.values(kind, record))
                if replica is None:
                    replica = Replica(province_code=self.code, kind=kind, ref=ref)
                replica.object_id = obj.pk
                replica.source_updated = str(record.get("updated", ""))
                replica.fingerprint = fingerprint
                replica.save()
        except (Conflict, ValidationError, IntegrityError, KeyError, TypeError, ValueError) as e:
            self.conflicts.append({"kind": kind, "ref": ref, "reason": _message(e)})
            self.outcome[kind]["conflicts"] += 1
            return
        self.replicas[(kind, ref)] = replica
        self.outcome[kind]["created" if created else "updated"] += 1
        if kind == "certificates":
            self.superseding.append((obj, record.get("superseded_by_ref") or ""))

    def link_superseding(self) -> None:
        for certificate, ref in self.superseding:
            set_superseded_by(
                certificate=certificate, superseding=self.held("certificates", ref) if ref else None
            )


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, KeyError):
        return _("A field is missing: %(name)s.") % {"name": error.args[0]}
    return str(error)


def import_package(*, raw: bytes, by) -> Package:
    """Verify and apply a package; returns its record (outcome and conflicts).
    Raises ``PackageError`` (nothing applied) when it cannot be trusted."""
    manifest, data = open_package(raw)
    code = str(manifest["source"]["province_code"])
    province = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, code=code).first()
    if province is None:
        raise PackageError(_("Province %(code)s is unknown here.") % {"code": code})
    with transaction.atomic():
        importer = Importer(province=province, by=by)
        for kind in records.KINDS:
            for record in data.get(kind, []):
                importer.apply(kind, record)
        importer.link_superseding()
        package = Package.objects.create(
            direction=Direction.IMPORT,
            province_code=code,
            generated_at=parse_datetime(manifest["generated_at"]),
            changed_since=(
                parse_datetime(manifest["changed_since"]) if manifest.get("changed_since") else None
            ),
            sha256=manifest["sha256"],
            counts=manifest["counts"],
            outcome={kind: dict(c) for kind, c in importer.outcome.items()},
            conflicts=importer.conflicts,
            by=by,
        )
        log_action(
            action="ocop.exchange.imported",
            by=by,
            obj=package,
            unit=province,
            data={"outcome": package.outcome, "conflicts": len(importer.conflicts)},
        )
    return package
