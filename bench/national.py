"""National data generator: `python -m bench.national --scale 1 [--seed 42]`.

Fills a PostgreSQL database (``DATABASE_URL``; a superuser, since foreign
keys are not checked during the load — see ``bench/bulk.py``) with a
synthetic country shaped like the programme of late 2025 (reference §8):

* the real 34 provinces and 3,321 communes (``load_admin_units``) and the
  shipped reference data (categories, criteria, rules, calendar);
* 9,300 × scale subjects (HTX 32 %, enterprises 22.3 %, households 31.7 %,
  cooperative groups the rest) and 17,400 × scale products spread over the
  provinces (Hà Nội the largest), ≈ 73 % 3★, 23 % 4★, < 1 % 5★ at the end;
* six yearly cycles (2021–2026) per province with two rounds; every
  certified product went through a dossier, a closed council session
  (seven members' submitted sheets with their totals, the round result),
  an issued decision and a certificate valid 36 months; certificates due
  before today were renewed (85 %) or expired, about 1 % were revoked; the
  5★ products also went through the central council;
* the 2026 second round in flight: dossiers waiting on producers, communes
  and provinces ("my tasks"), ideas waiting for communes;
* 2,000,000 × scale stamps in approved batches of the certified products
  and 10,000,000 × scale scans of them (written in SQL from the stamps).

Deterministic from the seed: the same seed and scale give the same rows.
Per-criterion answers are not generated for historical sheets (they keep
their totals; 7 sheets × 25 criteria × every evaluation would add ~6 million
rows per 1× for pages that do not read them); activity-log entries are not
generated for the bulk history either. A marker table ``bench_national``
records the seed, scale and counts: a second run on that database does
nothing, and a database holding another set (or any products) is refused.
"""

import argparse
import json
import os
import random
import statistics
import string
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.test")

SUBJECTS = 9_300
PRODUCTS = 17_400
STAMPS = 2_000_000
SCANS = 10_000_000
YEARS = range(2021, 2027)
TODAY = date(2026, 11, 24)
MEMBERS = 7
# Legal forms in the reported shares (2025 report: 32 % HTX, 22.3 % DN, 31.7 % hộ).
LEGAL_FORMS = [
    ("htx", 0.32),
    ("tnhh1tv", 0.09),
    ("tnhh2tv", 0.05),
    ("ctcp", 0.06),
    ("dntn", 0.023),
    ("hkd", 0.317),
    ("tht", 0.14),
]
FORM_PREFIX = {
    "htx": "Hợp tác xã",
    "tnhh1tv": "Công ty TNHH MTV",
    "tnhh2tv": "Công ty TNHH",
    "ctcp": "Công ty Cổ phần",
    "dntn": "Doanh nghiệp tư nhân",
    "hkd": "Hộ kinh doanh",
    "tht": "Tổ hợp tác",
}
SUBJECT_WORDS = [
    "Nông nghiệp",
    "Dịch vụ nông nghiệp",
    "Chế biến nông sản",
    "Thủy sản",
    "Chè",
    "Mật ong",
    "Dược liệu",
    "Thủ công mỹ nghệ",
    "Thực phẩm",
    "Sạch",
    "Xanh",
    "Phát triển",
]
PRODUCT_WORDS = [
    "Nước mắm",
    "Mật ong",
    "Chè",
    "Gạo",
    "Nem chua",
    "Rượu",
    "Bánh gai",
    "Mực khô",
    "Chiếu cói",
    "Tinh dầu",
    "Cà phê",
    "Chả tôm",
    "Măng khô",
    "Miến",
    "Bưởi",
    "Nhãn",
    "Cam",
    "Mắm tôm",
    "Trà hoa vàng",
    "Sâm",
]
FIRST_YEAR = {2021: 0.20, 2022: 0.20, 2023: 0.12, 2024: 0.22, 2025: 0.18, 2026: 0.08}
ROUND_DATES = {1: (6, 15), 2: (11, 10)}
TOKEN_ALPHABET = string.ascii_letters + string.digits


def pick(rng, weighted):
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def token(rng, length: int) -> str:
    return "".join(rng.choices(TOKEN_ALPHABET, k=length))


ID_MODELS = {
    "attendance": "evaluation.Attendance",
    "batch": "stamps.StampBatch",
    "certificate": "certification.Certificate",
    "council": "evaluation.Council",
    "counter": "stamps.SerialCounter",
    "cycle": "cycles.Cycle",
    "decision": "certification.Decision",
    "decision_item": "certification.DecisionItem",
    "dossier": "cycles.Dossier",
    "idea": "cycles.Idea",
    "item": "evaluation.AgendaItem",
    "listing": "trade.Listing",
    "point": "trade.PointOfSale",
    "member": "evaluation.CouncilMember",
    "product": "products.Product",
    "result": "evaluation.RoundResult",
    "revocation": "certification.Revocation",
    "role": "accounts.RoleAssignment",
    "round": "cycles.EvaluationRound",
    "session": "evaluation.Session",
    "sheet": "evaluation.Scoresheet",
    "stamp": "stamps.Stamp",
    "subject": "producers.Subject",
    "user": "accounts.User",
}


class Ids:
    """Primary keys handed out in Python (rows reference each other before
    COPY), after the largest key already in each table."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        if name not in self.next:
            self.next[name] = self.first(name)
        value = self.next[name]
        self.next[name] = value + 1
        return value

    @staticmethod
    def first(name: str) -> int:
        from django.apps import apps

        return Ids.first_of(apps.get_model(ID_MODELS[name]))

    @staticmethod
    def first_of(model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def at(day: date, hour: int = 9) -> datetime:
    from django.utils import timezone

    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


def reference_data() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    for command in [
        "load_calendar",
        "load_admin_units",
        "load_product_categories",
        "load_dossier_rules",
        "load_certification_rules",
        "load_event_topics",
    ]:
        call_command(command, verbosity=0)
    call_command("load_criteria", "--shipped", verbosity=0)


def marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_national "
            "(seed integer, scale real, generated_at timestamptz, seconds real, counts jsonb)"
        )
        cursor.execute("SELECT seed, scale, counts FROM bench_national")
        row = cursor.fetchone()
    if row is None:
        return None
    counts = json.loads(row[2]) if isinstance(row[2], str) else row[2]  # Django reads jsonb as text
    return {"seed": row[0], "scale": row[1], "counts": counts}


class Generator:
    def __init__(self, *, scale: int, seed: int):
        from bench.bulk import Loader

        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = Ids()
        self.load = Loader()
        self.now = self.load.now

    # -- people and places ---------------------------------------------------------
    def places(self):
        from ocop.geo.models import AdminUnit

        self.provinces = list(
            AdminUnit.objects.filter(era="2025", level="province").order_by("code")
        )
        communes = (
            AdminUnit.objects.filter(era="2025", level="commune")
            .select_related("parent")
            .order_by("code")
        )
        self.communes: dict[int, list] = {p.pk: [] for p in self.provinces}
        for commune in communes:
            self.communes[commune.province_id].append(commune)
        weights = {}
        for province in self.provinces:
            factor = self.rng.uniform(0.5, 1.5) * (3.0 if province.code == "01" else 1.0)
            weights[province.pk] = len(self.communes[province.pk]) * factor
        total = sum(weights.values())
        self.share = {pk: w / total for pk, w in weights.items()}

    def users(self):
        from ocop.accounts.enums import Role
        from ocop.accounts.models import RoleAssignment, User

        users, roles = [], []
        self.province_officer, self.council_users, self.commune_officer = {}, {}, {}

        def add(username, full_name, role, *, unit=None, subject=None):
            pk = self.ids("user")
            users.append(
                {
                    "id": pk,
                    "username": username,
                    "password": "!",
                    "full_name": full_name,
                    "date_joined": self.now,
                }
            )
            roles.append(
                {
                    "id": self.ids("role"),
                    "user_id": pk,
                    "role": role,
                    "unit_id": unit,
                    "subject_id": subject,
                    "valid_from": date(2020, 1, 1),
                }
            )
            return pk

        self.central_officer = add(
            "tw.canbo", "Cán bộ Văn phòng Điều phối TW", Role.CENTRAL_OFFICER
        )
        self.central_council = [
            add(f"hdtw.{i}", f"Thành viên Hội đồng TW {i}", Role.COUNCIL_MEMBER)
            for i in range(MEMBERS)
        ]
        for province in self.provinces:
            self.province_officer[province.pk] = add(
                f"tinh.{province.code}",
                f"Cán bộ OCOP {province.full_name}",
                Role.PROVINCE_OFFICER,
                unit=province.pk,
            )
            self.council_users[province.pk] = [
                add(
                    f"hd.{province.code}.{i}",
                    f"Thành viên Hội đồng {province.name} {i}",
                    Role.COUNCIL_MEMBER,
                    unit=province.pk,
                )
                for i in range(MEMBERS)
            ]
            for commune in self.communes[province.pk]:
                self.commune_officer[commune.pk] = add(
                    f"xa.{commune.code}",
                    f"Cán bộ {commune.full_name}",
                    Role.COMMUNE_OFFICER,
                    unit=commune.pk,
                )
        for subject in self.subjects:
            subject["user"] = add(
                f"sx.{subject['id']}",
                subject["representative"],
                Role.PRODUCER,
                subject=subject["id"],
            )
        self.load.copy(User, users)
        self.load.copy(RoleAssignment, roles)

    def registry(self):
        from ocop.core.text import fold_vi
        from ocop.producers.models import subject_search_text, unit_names
        from ocop.products.models import ProductCategory, product_search_text

        rng = self.rng
        self.sets = list(
            ProductCategory.objects.filter(level="set", legal_basis="148/QĐ-TTg").order_by("code")
        )
        self.subjects = []
        names_of = {}
        for province in self.provinces:
            n = round(SUBJECTS * self.scale * self.share[province.pk])
            for _ in range(n):
                commune = rng.choice(self.communes[province.pk])
                form = pick(rng, LEGAL_FORMS)
                pk = self.ids("subject")
                name = f"{FORM_PREFIX[form]} {rng.choice(SUBJECT_WORDS)} {commune.name} {pk}"
                reg = None if form == "tht" else f"{province.code}{pk:08d}"
                if commune.pk not in names_of:
                    names_of[commune.pk] = unit_names(commune)
                self.subjects.append(
                    {
                        "id": pk,
                        "name": name,
                        "legal_form": form,
                        "registration_number": reg,
                        "representative": f"Nguyễn Văn {pk}",
                        "phone": f"09{pk:08d}",
                        "commune_id": commune.pk,
                        "province_id": province.pk,
                        "led_by_woman": rng.random() < 0.4,
                        "name_key": fold_vi(name)[:255],
                        "search_text": subject_search_text(
                            name=name, registration_number=reg, commune=commune
                        ),
                        "commune": commune,
                    }
                )
        self.products = []
        total = round(PRODUCTS * self.scale)
        for i in range(total):
            subject = self.subjects[i] if i < len(self.subjects) else rng.choice(self.subjects)
            category = rng.choice(self.sets)
            name = f"{rng.choice(PRODUCT_WORDS)} {subject['commune'].name} {i + 1}"
            self.products.append(
                {
                    "id": self.ids("product"),
                    "subject_id": subject["id"],
                    "subject": subject,
                    "name": name,
                    "category_id": category.pk,
                    "group_code": category.code.split(".")[0],
                    "commune_id": subject["commune_id"],
                    "province_id": subject["province_id"],
                    "search_text": product_search_text(
                        name=name, subject_name=subject["name"], commune=subject["commune"]
                    ),
                    "created_at": self.now,
                }
            )

    # -- the yearly cycles and their evaluations --------------------------------------
    def plan_history(self):
        """Decide, per product, its evaluations: (year, round, star, kind)."""
        rng = self.rng
        for product in self.products:
            product["evaluations"] = []
            product["inflight"] = None
            if rng.random() < 0.03:  # registered, never certified yet
                if rng.random() < 0.6:
                    product["inflight"] = "first"
                continue
            year = pick(rng, list(FIRST_YEAR.items()))
            round_ = 2 if year == 2026 else rng.choice([1, 2])
            if year == 2026 and rng.random() < 0.5:
                product["inflight"] = "first"
                continue
            star = pick(rng, [(3, 0.80), (4, 0.195), (5, 0.005)])
            product["evaluations"].append((year, round_, star, "first"))
            while True:
                last_year, last_round, last_star, _ = product["evaluations"][-1]
                expires = add_months(self.session_date(last_year, last_round), 36 + 1)
                if expires > date(2027, 12, 31):
                    break
                if rng.random() > 0.85:  # not re-evaluated: lets it expire
                    break
                renewal_year = expires.year
                renewal_round = 1 if expires.month > 7 else 2
                if renewal_round == 2 and expires.month <= 7:
                    renewal_year -= 1
                if renewal_year > 2026 or (renewal_year == 2026 and renewal_round == 2):
                    product["inflight"] = "renewal"
                    break
                new_star = 4 if last_star == 3 and rng.random() < 0.08 else last_star
                product["evaluations"].append((renewal_year, renewal_round, new_star, "renewal"))

    @staticmethod
    def session_date(year: int, round_: int) -> date:
        month, day = ROUND_DATES[round_]
        return date(year, month, day)

    def cycles(self):
        from ocop.cycles.models import Cycle, EvaluationRound

        cycles, rounds = [], []
        self.cycle_of, self.round_of = {}, {}
        for province in self.provinces:
            for year in YEARS:
                pk = self.ids("cycle")
                self.cycle_of[province.pk, year] = pk
                cycles.append(
                    {
                        "id": pk,
                        "province_id": province.pk,
                        "year": year,
                        "title": f"Chu trình OCOP năm {year} — {province.full_name}",
                        "created_by_id": self.province_officer[province.pk],
                        "created_at": at(date(year, 1, 15)),
                    }
                )
                for number in (1, 2):
                    rpk = self.ids("round")
                    self.round_of[province.pk, year, number] = rpk
                    rounds.append(
                        {
                            "id": rpk,
                            "cycle_id": pk,
                            "number": number,
                            "title": f"Đợt {number} năm {year}",
                            "submission_deadline": self.session_date(year, number)
                            - timedelta(days=45),
                        }
                    )
        self.load.copy(Cycle, cycles)
        self.load.copy(EvaluationRound, rounds)

    def councils(self):
        from ocop.evaluation.models import Council, CouncilMember

        councils, members = [], []
        self.council_of, self.members_of = {}, {}
        units = [(p.pk, p.full_name, self.council_users[p.pk]) for p in self.provinces]
        units.append((None, "Trung ương", self.central_council))
        for unit, name, users in units:
            pk = self.ids("council")
            self.council_of[unit] = pk
            councils.append(
                {
                    "id": pk,
                    "name": f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {name}",
                    "level": "central" if unit is None else "province",
                    "unit_id": unit,
                    "decision_number": f"{pk}/QĐ-UBND",
                    "decision_date": date(2021, 3, 1),
                }
            )
            self.members_of[pk] = []
            for i, user in enumerate(users):
                mpk = self.ids("member")
                self.members_of[pk].append(mpk)
                members.append(
                    {
                        "id": mpk,
                        "council_id": pk,
                        "user_id": user,
                        "role": "chair" if i == 0 else "member",
                        "organisation": "Sở Nông nghiệp và Môi trường",
                    }
                )
        self.load.copy(Council, councils)
        self.load.copy(CouncilMember, members)

    def evaluations(self):
        """Sessions, items, sheets, results, decisions, certificates, dossiers."""
        from ocop.certification.models import (
            Certificate,
            CertificationRule,
            Decision,
            DecisionItem,
            Revocation,
            RevocationGround,
        )
        from ocop.criteria.domain.queries import bands_for
        from ocop.criteria.engine import band_for
        from ocop.criteria.models import Sheet
        from ocop.cycles.domain.dossiers import path_on
        from ocop.cycles.models import Dossier
        from ocop.evaluation.models import AgendaItem, Attendance, RoundResult, Scoresheet, Session

        rng = self.rng
        sheets = list(Sheet.objects.filter(superseded_by__isnull=True).order_by("effective_from"))
        sheet_1048 = next(s for s in sheets if s.code.startswith("1048"))
        sheet_148 = next((s for s in sheets if s.code.startswith("148")), sheet_1048)

        def sheet_of(year):
            return sheet_148 if year >= 2023 else sheet_1048

        # Star bands and the dossier path come from the rules data, as in the
        # application (one read per sheet / per session date).
        bands = {s.pk: bands_for(s.legal_basis) for s in (sheet_1048, sheet_148)}
        paths: dict[date, str] = {}

        def path_of(day):
            if day not in paths:
                paths[day] = path_on(day)
            return paths[day]

        rules = list(CertificationRule.objects.order_by("effective_from"))
        ground = RevocationGround.objects.order_by("code").first()

        sessions, items, results, sheets_rows, attendance = {}, [], [], [], []
        decisions, decision_items, certificates, dossiers, revocations = {}, [], [], [], []
        numbers: dict = {}

        def session_for(unit, year, round_, central=False):
            unit = None if central else unit
            key = (unit, year, round_, central)
            if key not in sessions:
                council = self.council_of[None if central else unit]
                day = self.session_date(year, round_) + timedelta(days=30 if central else 0)
                pk = self.ids("session")
                sessions[key] = {
                    "id": pk,
                    "council_id": council,
                    "title": f"Phiên đánh giá đợt {round_} năm {year}",
                    "date": day,
                    "state": "closed",
                    "created_at": at(day - timedelta(days=20)),
                    "opened_at": at(day, 8),
                    "closed_at": at(day, 17),
                    "note": "Hội đồng thống nhất kết quả.",
                    "order": 0,
                }
                for member in self.members_of[council]:
                    attendance.append(
                        {"id": self.ids("attendance"), "session_id": pk, "member_id": member}
                        | {"present": True}
                    )
                decision_pk = self.ids("decision")
                numbers[unit] = numbers.get(unit, 0) + 1
                issued = day + timedelta(days=20)
                rule = [r for r in rules if r.effective_from <= issued][-1]
                decisions[key] = {
                    "id": decision_pk,
                    "state": "issued",
                    "number": f"{numbers[unit]}/QĐ-{'BNNMT' if central else 'UBND'}",
                    "date": issued,
                    "title": f"Quyết định công nhận sản phẩm OCOP đợt {round_} năm {year}",
                    "authority": "Bộ Nông nghiệp và Môi trường" if central else "UBND tỉnh",
                    "level": "central" if central else "province",
                    "unit_id": None if central else unit,
                    "legal_basis": "Quyết định số 148/QĐ-TTg ngày 24/02/2023",
                    "session_id": pk,
                    "rule_id": rule.pk,
                    "rule": rule,
                    "issued_at": at(issued, 15),
                    "created_at": at(issued, 9),
                }
            return sessions[key], decisions[key]

        def evaluate(product, year, round_, star, *, central=False):
            session, decision = session_for(product["province_id"], year, round_, central)
            session["order"] += 1
            item_pk = self.ids("item")
            sheet = sheet_of(year)
            band = next(b for b in bands[sheet.pk] if b.star == star)
            top = float(band.max_score if band.max_score is not None else 100)
            # Members stay within 4 points of the target, so the mean stays in the band.
            target = rng.uniform(float(band.min_score) + 4.5, top - 4.5)
            totals = [
                Decimal(str(round(min(100, max(0, target + rng.uniform(-4, 4))), 2)))
                for _ in range(MEMBERS)
            ]
            score_sum = sum(totals)
            score = (score_sum / MEMBERS).quantize(Decimal("0.01"))
            shown_star = 5 if central else min(star, 4)
            items.append(
                {
                    "id": item_pk,
                    "session_id": session["id"],
                    "product_id": product["id"],
                    "sheet_id": sheet.pk,
                    "order": session["order"],
                    "status": "decided",
                    "score_sum": score_sum,
                    "score_count": MEMBERS,
                    "band_star": band_for(Fraction(score_sum) / MEMBERS, bands[sheet.pk]),
                    "star": star,
                    "achieved": True,
                    "recognised_star": shown_star,
                    "proposed": star == 5 and not central,
                    "decided_at": session["closed_at"],
                }
            )
            results.append(
                {
                    "id": self.ids("result"),
                    "item_id": item_pk,
                    "round": 1,
                    "score_sum": score_sum,
                    "score_count": MEMBERS,
                    "spread": max(totals) - min(totals),
                    "stdev": statistics.pstdev(float(t) for t in totals),
                    "conditions": {},
                    "computed_at": session["closed_at"],
                }
            )
            council = session["council_id"]
            for member, total in zip(self.members_of[council], totals, strict=True):
                sheets_rows.append(
                    {
                        "id": self.ids("sheet"),
                        "item_id": item_pk,
                        "member_id": member,
                        "status": "submitted",
                        "total": total,
                        "part_totals": {},
                        "submitted_at": session["opened_at"],
                        "updated_at": session["opened_at"],
                    }
                )
            return item_pk, score, decision, shown_star

        def certify(product, item_pk, score, decision, star):
            decision_items.append(
                {
                    "id": self.ids("decision_item"),
                    "decision_id": decision["id"],
                    "product_id": product["id"],
                    "agenda_item_id": item_pk,
                    "star": star,
                    "score": score,
                    "order": len(decision_items),
                }
            )
            pk = self.ids("certificate")
            certificate = {
                "id": pk,
                "product_id": product["id"],
                "number": f"{decision['number']}/{pk}",
                "token": token(rng, 22),
                "star": star,
                "score": score,
                "decision_id": decision["id"],
                "decision_number": decision["number"],
                "decision_date": decision["date"],
                "authority_level": decision["level"],
                "valid_until": add_months(decision["date"], decision["rule"].validity_months),
                "legal_basis": decision["rule"].legal_basis[:50],
                "source": "decision",
                "status": "valid",
                "created_at": decision["issued_at"],
            }
            certificates.append(certificate)
            return certificate

        def dossier(product, year, round_, kind, state, *, item_pk=None, parent=None):
            pk = self.ids("dossier")
            day = self.session_date(year, round_) - timedelta(days=60)
            subject = product["subject"]
            dossiers.append(
                {
                    "id": pk,
                    "product_id": product["id"],
                    "subject_id": subject["id"],
                    "commune_id": product["commune_id"],
                    "province_id": product["province_id"],
                    "cycle_id": self.cycle_of[product["province_id"], year],
                    "round_id": self.round_of[product["province_id"], year, round_],
                    "kind": kind,
                    "path": path_of(self.session_date(year, round_)),
                    "state": state,
                    "parent_id": parent,
                    "sheet_id": sheet_of(year).pk,
                    "product_name": product["name"],
                    "registration_number": subject["registration_number"] or "",
                    "representative": subject["representative"],
                    "version": 0 if state == "draft" else 1,
                    "agenda_item_id": item_pk,
                    "created_by_id": subject["user"],
                    "created_at": at(day),
                    "state_changed_at": at(day + timedelta(days=rng.randint(1, 40))),
                    "due_on": None if state == "evaluated" else day + timedelta(days=75),
                }
            )
            return pk

        inflight_states = [
            ("draft", 0.10),
            ("submitted", 0.25),
            ("returned", 0.10),
            ("forwarded", 0.25),
            ("prechecked", 0.30),
        ]
        for product in self.products:
            current, parent = None, None
            for year, round_, star, kind in product["evaluations"]:
                item_pk, score, decision, shown = evaluate(product, year, round_, star)
                if star == 5:  # proposed to the centre, scheduled and evaluated there
                    item_pk, score, decision, shown = evaluate(
                        product, year, round_, star, central=True
                    )
                parent = dossier(product, year, round_, kind, "evaluated", item_pk=item_pk)
                certificate = certify(product, item_pk, score, decision, shown)
                if current is not None:
                    current["status"] = "superseded"
                    current["superseded_by_id"] = certificate["id"]
                    current["status_changed_at"] = certificate["created_at"]
                current = certificate
            if product["inflight"]:
                state = pick(rng, inflight_states)
                dossier(product, 2026, 2, product["inflight"], state, parent=parent)
            product["status"], product["star"], product["certified_until"] = "none", None, None
            if current is None:
                if product["inflight"]:
                    product["status"] = "in_evaluation"
                continue
            if current["valid_until"] < TODAY:
                current["status"] = "expired"
                product["status"] = "expired"
            elif rng.random() < 0.01:
                current["status"] = "revoked"
                current["status_changed_at"] = at(TODAY - timedelta(days=rng.randint(1, 300)))
                product["status"] = "revoked"
                revocations.append(
                    {
                        "id": self.ids("revocation"),
                        "certificate_id": current["id"],
                        "ground_id": ground.pk,
                        "decision_number": f"R{current['id']}/QĐ-UBND",
                        "decision_date": current["status_changed_at"].date(),
                        "authority": "UBND tỉnh",
                        "by_id": self.province_officer[product["province_id"]],
                        "at": current["status_changed_at"],
                    }
                )
            else:
                product["status"] = "certified"
            product["star"] = current["star"]
            product["certified_until"] = current["valid_until"]
            product["certificate"] = current

        from ocop.producers.models import Subject
        from ocop.products.models import Product

        self.load.copy(Subject, self.subjects)
        self.load.copy(Product, self.products)
        self.load.copy(Session, sessions.values())
        self.load.copy(Attendance, attendance)
        self.load.copy(AgendaItem, items)
        self.load.copy(RoundResult, results)
        with self.load.bare(Scoresheet):
            self.load.copy(Scoresheet, sheets_rows)
        self.load.copy(Decision, decisions.values())
        self.load.copy(DecisionItem, decision_items)
        self.load.copy(Certificate, certificates)
        self.load.copy(Revocation, revocations)
        with self.load.bare(Dossier):
            self.load.copy(Dossier, dossiers)

    def ideas(self):
        from ocop.cycles.models import Idea

        rng = self.rng
        rows = []
        for _ in range(len(self.subjects) // 10):
            subject = rng.choice(self.subjects)
            state = pick(rng, [("submitted", 0.4), ("received", 0.3), ("accepted", 0.3)])
            day = date(2026, rng.randint(3, 11), rng.randint(1, 20))
            rows.append(
                {
                    "id": self.ids("idea"),
                    "cycle_id": self.cycle_of[subject["province_id"], 2026],
                    "subject_id": subject["id"],
                    "commune_id": subject["commune_id"],
                    "province_id": subject["province_id"],
                    "product_name": f"{rng.choice(PRODUCT_WORDS)} {subject['commune'].name}",
                    "category_id": rng.choice(self.sets).pk,
                    "description": "Ý tưởng sản phẩm từ nguyên liệu địa phương.",
                    "state": state,
                    "registered_by_id": subject["user"],
                    "registered_at": at(day),
                    "decided_at": None if state == "submitted" else at(day + timedelta(days=5)),
                }
            )
        self.load.copy(Idea, rows)

    # -- trade: points of sale and online listings -------------------------------
    def trade(self):
        """Points of sale (a few per province, more where there are more
        products: 200 × scale in all), each carrying 10–60 products in force
        of its province; online listings for about one product in force in
        four (1–3 platforms each, one link in twenty found broken)."""
        from ocop.core.text import fold_vi
        from ocop.trade.enums import PLATFORM_HOSTS, LinkState, Platform, PointKind
        from ocop.trade.models import Listing, PointOfSale

        rng = self.rng
        in_force = {p.pk: [] for p in self.provinces}
        for product in self.products:
            if product["status"] == "certified":
                in_force[product["province_id"]].append(product["id"])
        kinds = [
            (PointKind.SHOWROOM, 0.35),
            (PointKind.SHOP, 0.35),
            (PointKind.SUPERMARKET, 0.15),
            (PointKind.TRAVEL_HUB, 0.05),
            (PointKind.TRADE_CENTRE, 0.10),
        ]
        kind_names = {
            PointKind.SHOWROOM: "Điểm giới thiệu và bán sản phẩm OCOP",
            PointKind.SHOP: "Cửa hàng đặc sản OCOP",
            PointKind.SUPERMARKET: "Quầy OCOP siêu thị",
            PointKind.TRAVEL_HUB: "Quầy OCOP nhà ga",
            PointKind.TRADE_CENTRE: "Trung tâm xúc tiến thương mại",
        }
        points, carried = [], []
        through = PointOfSale.products.through
        for province in self.provinces:
            n = max(3, round(200 * self.scale * self.share[province.pk]))
            for _ in range(n):
                commune = rng.choice(self.communes[province.pk])
                kind = pick(rng, kinds)
                pk = self.ids("point")
                name = f"{kind_names[kind]} {commune.name} {pk}"
                address = f"Số {rng.randint(1, 300)} đường {commune.name}"
                operator = f"{FORM_PREFIX['htx']} {commune.name}"
                closed = rng.random() < 0.05
                points.append(
                    {
                        "id": pk,
                        "name": name,
                        "kind": kind,
                        "commune_id": commune.pk,
                        "province_id": province.pk,
                        "address": address,
                        "latitude": Decimal(f"{rng.uniform(8.6, 23.3):.6f}"),
                        "longitude": Decimal(f"{rng.uniform(102.2, 109.4):.6f}"),
                        "opening_hours": "7:30–21:00 hằng ngày",
                        "operator": operator,
                        "phone": f"02{pk:08d}",
                        "since": date(rng.randint(2019, 2025), rng.randint(1, 12), 1),
                        "until": TODAY - timedelta(days=rng.randint(10, 300)) if closed else None,
                        "search_text": f" {fold_vi(' '.join([name, address, operator]))} ",
                        "created_by_id": self.province_officer[province.pk],
                    }
                )
                pool = in_force[province.pk]
                for product_id in rng.sample(pool, min(len(pool), rng.randint(10, 60))):
                    carried.append({"pointofsale_id": pk, "product_id": product_id})
        self.load.copy(PointOfSale, points)
        through_ids = self.ids.first_of(through)
        for i, row in enumerate(carried):
            row["id"] = through_ids + i
        self.load.copy(through, carried)

        platforms = [p for p in Platform if p != Platform.PROVINCE_PORTAL]
        listings = []
        for product in self.products:
            if product["status"] != "certified" or rng.random() >= 0.25:
                continue
            for platform in rng.sample(platforms, rng.randint(1, 3)):
                hosts = PLATFORM_HOSTS.get(platform)
                host = hosts[0] if hosts else f"ocop-{product['subject_id']}.vn"
                dead = rng.random() < 0.05
                listings.append(
                    {
                        "id": self.ids("listing"),
                        "product_id": product["id"],
                        "platform": platform,
                        "url": f"https://{host}/ocop-{product['id']}",
                        "since": date(rng.randint(2021, 2026), rng.randint(1, 10), 1),
                        "link_state": LinkState.DEAD if dead else LinkState.LIVE,
                        "checked_at": at(TODAY - timedelta(days=rng.randint(0, 6))),
                        "failures": 3 if dead else 0,
                        "created_by_id": product["subject"]["user"],
                    }
                )
        self.load.copy(Listing, listings)

    # -- stamps and scans ---------------------------------------------------------
    def stamps(self):
        from ocop.stamps.domain.serials import CHECK_LETTERS, DAMM_TABLE
        from ocop.stamps.models import Scan, SerialCounter, Stamp, StampBatch

        rng = self.rng
        province_code = {p.pk: p.code for p in self.provinces}
        target = round(STAMPS * self.scale)
        certified = [p for p in self.products if p.get("certificate")]
        rng.shuffle(certified)
        batches, counters = [], {}
        total, i = 0, 0
        while total < target:
            product = certified[i % len(certified)]
            i += 1
            certificate = product["certificate"]
            quantity = min(rng.choice([200, 500, 1000, 2000, 5000]), target - total)
            start = certificate["decision_date"]
            end = min(certificate["valid_until"], TODAY) - timedelta(days=1)
            day = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
            series = province_code[product["province_id"]]
            first = counters.get(series, 1)
            counters[series] = first + quantity
            user = product["subject"]["user"]
            batches.append(
                {
                    "id": self.ids("batch"),
                    "product_id": product["id"],
                    "certificate_id": certificate["id"],
                    "quantity": quantity,
                    "state": "approved",
                    "requested_by_id": user,
                    "requested_at": at(day, 8),
                    "decided_by_id": self.province_officer[product["province_id"]],
                    "decided_at": at(day, 16),
                    "series": series,
                    "first_number": first,
                    "last_number": first + quantity - 1,
                }
            )
            total += quantity
        self.load.copy(StampBatch, batches)
        self.load.copy(
            SerialCounter,
            [  # a list: handing out ids may read the table, not during its COPY
                {"id": self.ids("counter"), "series": series, "next_number": number}
                for series, number in counters.items()
            ],
        )

        # Damm check letters: the interim after the first 8 of 10 digits is
        # shared by 100 consecutive numbers.
        first_stamp = self.ids.first("stamp")  # before the COPY (same connection)

        def rows():
            stamp_pk = first_stamp - 1
            draw = rng.random
            for batch in batches:
                series, decided = batch["series"], batch["decided_at"]
                seconds = max(3600, int((at(TODAY) - decided).total_seconds()) - 3600)
                prefix_state, prefix_key = 0, None
                for number in range(batch["first_number"], batch["last_number"] + 1):
                    stamp_pk += 1
                    digits = f"{series}{number:08d}"
                    if digits[:8] != prefix_key:
                        prefix_key, prefix_state = digits[:8], 0
                        for char in prefix_key:
                            prefix_state = DAMM_TABLE[prefix_state][ord(char) - 48]
                    check = DAMM_TABLE[DAMM_TABLE[prefix_state][ord(digits[8]) - 48]][
                        ord(digits[9]) - 48
                    ]
                    r = draw()
                    count = 0 if r < 0.45 else 1 + int((r - 0.45) * 31.2)  # mean ≈ 5
                    yield {
                        "id": stamp_pk,
                        "batch_id": batch["id"],
                        "serial": f"{series}-{number:08d}-{CHECK_LETTERS[check]}",
                        "token": f"{stamp_pk:011d}{token(rng, 9)}"[::-1],
                        "state": "active",
                        "scan_count": count,
                        "first_scan_at": decided
                        + timedelta(seconds=int(draw() * seconds // 2) + 3600)
                        if count
                        else None,
                    }

        from django.db import connection

        with self.load.bare(Stamp):
            self.load.copy(Stamp, rows())
            start = time.perf_counter()
            # Scans: scan k of a stamp comes (id mod 50 + 1) × k hours after its first.
            with self.load.bare(Scan), connection.cursor() as cursor:
                cursor.execute(
                    """
                        INSERT INTO stamps_scan (stamp_id, at, fingerprint)
                        SELECT s.id,
                               LEAST(s.first_scan_at + ((s.id %% 50 + 1) * k) * interval '1 hour',
                                     %s),
                               md5(s.id::text || ':' || k::text)
                        FROM stamps_stamp s, generate_series(0, s.scan_count - 1) AS k
                        WHERE s.scan_count > 0
                        """,
                    [at(TODAY, 8)],
                )
                scans = cursor.rowcount
            print(f"  stamps_scan {scans:>35,} rows in {time.perf_counter() - start:6.1f} s (SQL)")
            self.load.loaded["stamps_scan"] = scans

    def run(self):
        from django.db import connection

        from bench.bulk import fast_session

        timings = {}
        with fast_session():
            for step in [
                "places",
                "registry",
                "users",
                "plan_history",
                "cycles",
                "councils",
                "evaluations",
                "ideas",
                "trade",
                "stamps",
            ]:
                start = time.perf_counter()
                getattr(self, step)()
                timings[step] = time.perf_counter() - start
                print(f"{step}: {timings[step]:.1f} s")
        from django.apps import apps

        self.load.reset_sequences(*apps.get_models(include_auto_created=True))
        from ocop.certification.domain import awaiting

        awaiting.refresh_all()  # each closed session's products waiting for a decision
        start = time.perf_counter()
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map (index-only scans, as on a live
            # database) and keeps autovacuum from starting during the measures;
            # inside a transaction (tests) only ANALYZE can run.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        print(f"vacuum and analyze: {time.perf_counter() - start:.1f} s")
        return timings


def stars_summary() -> str:
    from django.db.models import Count

    from ocop.products.models import Product

    rows = dict(
        Product.objects.filter(status="certified")
        .values_list("star")
        .annotate(n=Count("id"))
        .values_list("star", "n")
    )
    total = sum(rows.values()) or 1
    return ", ".join(f"{star}★ {n:,} ({100 * n / total:.1f} %)" for star, n in sorted(rows.items()))


def ensure(*, scale: int, seed: int = 42) -> dict:
    """Load the national set into the configured database unless it is there."""
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The national data set needs PostgreSQL (DATABASE_URL=postgres://…).")
    start = time.perf_counter()
    reference_data()
    found = marker()
    if found:
        if (found["scale"], found["seed"]) != (scale, seed):
            raise SystemExit(
                f"This database holds the {found['scale']}× set of seed {found['seed']}; "
                "use another database."
            )
        return found
    from ocop.products.models import Product

    if Product.objects.exists():
        raise SystemExit("This database already holds products: use an empty database.")
    print(f"Generating the {scale}× national data set (seed {seed}) …")
    Generator(scale=scale, seed=seed).run()
    from ocop.core.backup import row_counts

    counts = row_counts()
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_national VALUES (%s, %s, now(), %s, %s)",
            [seed, scale, seconds, json.dumps(counts)],
        )
    print(f"Loaded in {seconds / 60:.1f} min")
    return {"seed": seed, "scale": scale, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    found = ensure(scale=args.scale, seed=args.seed)
    counts = found["counts"]
    for table in [
        "geo_adminunit",
        "producers_subject",
        "products_product",
        "cycles_dossier",
        "evaluation_session",
        "evaluation_scoresheet",
        "certification_certificate",
        "stamps_stamp",
        "stamps_scan",
        "trade_pointofsale",
        "trade_pointofsale_products",
        "trade_listing",
    ]:
        print(f"  {table:<28} {counts.get(table, 0):>12,}")
    print(f"  certified products: {stars_summary()}")


if __name__ == "__main__":
    main()
