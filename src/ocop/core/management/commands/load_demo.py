"""Demo data: Thanh Hóa province, its coordination office, a few communes,
one account of each role and a handful of (fictional) subjects and products;
the provincial evaluation council with a planned session (once the criteria
sheets are loaded: ``manage.py load_criteria --shipped``); the certified
products' recognition decisions and certificates (once the certification
rules are loaded: ``manage.py load_certification_rules``), a production batch
with its traceability steps and OCOP stamps for one of them; training,
publicity and support (``_load_events``): held, open, planned and cancelled
activities with participants, materials distributed and support to subjects.
Idempotent: a second run changes nothing. The certificates' dates are taken
relative to the day of the first run, so that the demo shows a valid
certificate and one that expires soon. Logins: see README or
``manage.py demo_logins``."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Organisation, RoleAssignment, User
from ocop.certification.domain.decisions import (
    authority_for,
    legal_bases_on,
    set_decision_state,
    title_for,
)
from ocop.certification.domain.rules import NoRuleInForce, rule_on, rules_table, valid_until_for
from ocop.certification.enums import AuthorityLevel, DecisionState
from ocop.certification.models import Decision, DecisionItem
from ocop.core.domain.activity import log_action
from ocop.core.workdays import add_months
from ocop.criteria.domain.queries import sheets_for_product_set
from ocop.criteria.enums import EvaluationLevel
from ocop.evaluation.domain import councils, sessions
from ocop.evaluation.enums import Body, MemberRole
from ocop.evaluation.models import Council, Session
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.enums import LegalForm
from ocop.producers.models import EvidenceDocument, Subject
from ocop.products.enums import OcopStatus
from ocop.products.models import Product, ProductCategory
from ocop.stamps.domain.batches import request_stamps, set_batch_state
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.enums import RequestState
from ocop.stamps.models import Stamp, StampBatch
from ocop.traceability.domain.batches import record_batch, record_event
from ocop.traceability.enums import BizStep
from ocop.traceability.models import ProductionBatch

PROVINCE_CODE = "38"  # Tỉnh Thanh Hóa
CYCLE = {
    "year": 2026,
    "title": "Chu trình OCOP thường niên năm 2026 tỉnh Thanh Hóa",
    "phases": [
        ("publicity", date(2026, 1, 15), date(2026, 3, 31)),
        ("ideas", date(2026, 2, 1), date(2026, 4, 30)),
        ("plans", date(2026, 3, 1), date(2026, 5, 31)),
        ("development", date(2026, 4, 1), date(2026, 9, 30)),
        ("evaluation", date(2026, 6, 1), date(2026, 12, 20)),
        ("promotion", date(2026, 7, 1), date(2026, 12, 31)),
    ],
    "rounds": [
        (1, "Đợt 1 năm 2026", date(2026, 6, 30)),
        (2, "Đợt 2 năm 2026", date(2026, 11, 30)),
    ],
}
COMMUNES = ["Hoằng Hóa", "Hậu Lộc", "Hạc Thành", "Sầm Sơn"]

SUBJECTS = [
    # (registration number, name, legal form, commune, representative)
    (
        "2801234567",
        "Hợp tác xã Nông nghiệp Đồng Tâm",
        LegalForm.COOPERATIVE,
        "Hoằng Hóa",
        "Lê Văn Tâm",
    ),
    (
        "2809876543",
        "Công ty TNHH Hải sản Hậu Lộc",
        LegalForm.LLC_MULTI,
        "Hậu Lộc",
        "Nguyễn Thị Hải",
    ),
    ("2805550001", "Hộ kinh doanh Lê Thị Hoa", LegalForm.HOUSEHOLD, "Hạc Thành", "Lê Thị Hoa"),
    (
        "2805550002",
        "Công ty CP Thực phẩm Sầm Sơn",
        LegalForm.JOINT_STOCK,
        "Sầm Sơn",
        "Trần Văn Biển",
    ),
]
PRODUCTS = [
    # (subject registration number, name, product set, status, star)
    ("2801234567", "Nước mắm cá cơm Đồng Tâm", "I.4.a", OcopStatus.CERTIFIED, 3),
    ("2801234567", "Mắm tép Đồng Tâm", "I.4.a", OcopStatus.NONE, None),
    ("2809876543", "Mực khô Hậu Lộc", "I.3.d", OcopStatus.CERTIFIED, 4),
    ("2805550001", "Nem chua Thanh Hóa Cô Hoa", "I.3.d", OcopStatus.CERTIFIED, 3),
    ("2805550002", "Chả tôm Sầm Sơn", "I.3.d", OcopStatus.IN_EVALUATION, None),
]
DOCUMENTS = [
    # (subject registration number, type, number, issuer, issued, expires)
    (
        "2801234567",
        "business_registration",
        "2801234567",
        "Sở Tài chính tỉnh Thanh Hóa",
        date(2018, 3, 12),
        None,
    ),
    (
        "2801234567",
        "food_safety",
        "215/2023/ATTP-CNĐK",
        "Chi cục An toàn vệ sinh thực phẩm",
        date(2023, 12, 10),
        date(2026, 12, 10),
    ),
    (
        "2801234567",
        "test_report",
        "KN-2025/0412",
        "Trung tâm Kiểm nghiệm Thanh Hóa",
        date(2025, 4, 12),
        date(2026, 4, 12),
    ),
    (
        "2809876543",
        "quality_declaration",
        "03/HSHL/2024",
        "Công ty TNHH Hải sản Hậu Lộc",
        date(2024, 5, 2),
        None,
    ),
]
ACCOUNTS = [
    # (username, full name, role, scope: "province" | commune name | registration no. | None)
    ("admin", "Quản trị hệ thống (Trung ương)", Role.CENTRAL_ADMIN, None),
    ("tw.canbo", "Cán bộ VPĐP NTM Trung ương", Role.CENTRAL_OFFICER, None),
    ("tinh.quantri", "Quản trị tỉnh Thanh Hóa", Role.PROVINCE_ADMIN, "province"),
    ("tinh.canbo", "Cán bộ VPĐP NTM tỉnh Thanh Hóa", Role.PROVINCE_OFFICER, "province"),
    ("totuvan", "Thành viên Tổ tư vấn tỉnh", Role.ADVISORY_TEAM, "province"),
    ("hoidong", "Thành viên Hội đồng tỉnh", Role.COUNCIL_MEMBER, "province"),
    ("hoidong.2", "Thành viên Hội đồng tỉnh 2", Role.COUNCIL_MEMBER, "province"),
    ("hoidong.3", "Thành viên Hội đồng tỉnh 3", Role.COUNCIL_MEMBER, "province"),
    ("thanhtra", "Cán bộ hậu kiểm tỉnh", Role.INSPECTOR, "province"),
    ("xa.hoanghoa", "Cán bộ UBND xã Hoằng Hóa", Role.COMMUNE_OFFICER, "Hoằng Hóa"),
    ("xa.hauloc", "Cán bộ UBND xã Hậu Lộc", Role.COMMUNE_OFFICER, "Hậu Lộc"),
    ("sx.dongtam", "Lê Văn Tâm (HTX Đồng Tâm)", Role.PRODUCER, "2801234567"),
    ("tuvan", "Chuyên gia tư vấn OCOP", Role.CONSULTANT, "2801234567"),
]

# The provincial council (fictional decision), set up by the provincial officer.
COUNCIL_OFFICER = "tinh.canbo"
COUNCIL = {
    "name": "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thanh Hóa",
    "level": EvaluationLevel.PROVINCE,
    "decision_number": "01/QĐ-UBND (demo)",
    "decision_date": date(2026, 1, 15),
    "decision_issuer": "UBND tỉnh Thanh Hóa (dữ liệu demo)",
}
COUNCIL_MEMBERS = [
    # (username, body, role, position)
    ("hoidong", Body.COUNCIL, MemberRole.CHAIR, "Chủ tịch Hội đồng"),
    ("hoidong.2", Body.COUNCIL, MemberRole.MEMBER, "Ủy viên"),
    ("hoidong.3", Body.COUNCIL, MemberRole.MEMBER, "Ủy viên"),
    ("totuvan", Body.ADVISORY, MemberRole.MEMBER, "Thành viên Tổ tư vấn"),
]
# A planned session with every council member present, ready for "Open scoring".
SESSION = {
    "title": "Phiên đánh giá đợt 2 năm 2026",
    "date": date(2026, 12, 10),
    "place": "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
}
AGENDA = ["Mắm tép Đồng Tâm", "Chả tôm Sầm Sơn"]

# Recognition decisions of the province (fictional numbers and signer) for the
# three products shown as certified, issued by the provincial officer through
# the certification domain (numbering, supersession, the products' status).
# "two_years_ago": certificates well within their validity. "expiring": dated
# so that the certificate is half-way into the "expires soon" window of the
# certification rules (data, certification/data/rules.yaml).
DECISION_OFFICER = "tinh.canbo"
DECISION_SIGNER = {"signer_name": "Nguyễn Văn Minh", "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"}
DECISIONS = [
    # (number, when, [(product, star, score)])
    ("876/QĐ-UBND", "expiring", [("Nem chua Thanh Hóa Cô Hoa", 3, Decimal("64.50"))]),
    (
        "1250/QĐ-UBND",
        "two_years_ago",
        [
            ("Nước mắm cá cơm Đồng Tâm", 3, Decimal("66.25")),
            ("Mực khô Hậu Lộc", 4, Decimal("78.00")),
        ],
    ),
]

# A production batch of the fish sauce with its traceability steps (recorded
# by the producer), 40 stamps for it approved by the province and one request
# still waiting. Dates are days before the first run.
STAMP_PRODUCT = "Nước mắm cá cơm Đồng Tâm"
PRODUCER = "sx.dongtam"
STAMP_OFFICER = "tinh.canbo"
LOT = {
    "lot_code": "DT-NM-01",
    "produced_days_ago": 20,
    "shelf_life_days": 730,
    "quantity": Decimal(1200),
    "unit": "chai 500 ml",
    "standards": "TCVN 5107:2018 (nước mắm)",
}
LOT_EVENTS = [
    # (step, days before the production date (negative: after), hour, place, quantity, text)
    (
        BizStep.HARVESTING,
        380,
        time(5, 30),
        "Cửa Lạch Trường, xã Hoằng Hóa, tỉnh Thanh Hóa",
        None,
        "Cá cơm tươi đánh bắt trong ngày, ướp muối biển theo tỉ lệ 3 cá : 1 muối.",
    ),
    (
        BizStep.TRANSFORMING,
        0,
        time(7, 30),
        "Nhà thùng HTX Nông nghiệp Đồng Tâm, xã Hoằng Hóa",
        None,
        "Ủ chượp 12 tháng trong thùng gỗ; kéo rút và lọc nước mắm cốt.",
    ),
    (
        BizStep.PACKING,
        -1,
        time(14, 0),
        "Nhà thùng HTX Nông nghiệp Đồng Tâm, xã Hoằng Hóa",
        Decimal(1200),
        "Đóng chai thủy tinh 500 ml, dán nhãn.",
    ),
    (
        BizStep.SHIPPING,
        -15,
        time(8, 0),
        "Cửa hàng giới thiệu sản phẩm OCOP tỉnh Thanh Hóa, phường Hạc Thành",
        Decimal(400),
        "Giao 400 chai cho cửa hàng giới thiệu sản phẩm OCOP của tỉnh.",
    ),
]
APPROVED_STAMPS = 40
PENDING_REQUEST = {"quantity": 500, "note": "Tem cho đợt hàng Tết (dữ liệu demo)."}


class Command(BaseCommand):
    help = "Load the demo data set (Thanh Hóa). Run load_admin_units first."

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            province = AdminUnit.objects.get(
                era=Era.CURRENT, level=Level.PROVINCE, code=PROVINCE_CODE
            )
        except AdminUnit.DoesNotExist as exc:
            raise CommandError("Run `manage.py load_admin_units` first.") from exc
        communes = {
            u.name: u
            for u in AdminUnit.objects.filter(
                era=Era.CURRENT, level=Level.COMMUNE, province=province, name__in=COMMUNES
            )
        }
        missing = set(COMMUNES) - set(communes)
        if missing:
            raise CommandError(f"Communes not found in Thanh Hóa: {sorted(missing)}")

        office, _ = Organisation.objects.get_or_create(
            name="Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
            defaults={"kind": OrganisationKind.COORDINATION_OFFICE, "unit": province},
        )
        subjects = {}
        for reg, name, form, commune, rep in SUBJECTS:
            subject, _ = Subject.objects.get_or_create(
                registration_number=reg,
                defaults={
                    "name": name,
                    "legal_form": form,
                    "commune": communes[commune],
                    "representative": rep,
                },
            )
            subjects[reg] = subject
        categories = {c.code: c for c in ProductCategory.objects.all()}
        if not categories:
            raise CommandError("Run `manage.py load_product_categories` first.")
        for reg, name, product_set, status, star in PRODUCTS:
            Product.objects.get_or_create(
                subject=subjects[reg],
                name=name,
                defaults={
                    "category": categories[product_set],
                    "status": status,
                    "star": star,
                    "commune": subjects[reg].commune,
                },
            )
        for reg, doc_type, number, issuer, issued, expires in DOCUMENTS:
            EvidenceDocument.objects.get_or_create(
                subject=subjects[reg],
                doc_type=doc_type,
                number=number,
                defaults={"issuer": issuer, "issued_on": issued, "expires_on": expires},
            )
        for username, full_name, role, scope in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"full_name": full_name, "email": f"{username}@demo.ocop.vn"},
            )
            if created:
                user.set_password(settings.OCOP_DEMO_PASSWORD)
                if role in Role.officer_roles or role == Role.COUNCIL_MEMBER:
                    user.organisation = office if scope == "province" else None
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            unit = subject = None
            if scope == "province":
                unit = province
            elif scope in communes:
                unit = communes[scope]
            elif scope in subjects:
                subject = subjects[scope]
            RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, subject=subject)
        session = self._council(province)
        self._cycle(province)
        certified = self._decisions(province)
        stamp = self._stamps(province) if certified else None
        _load_events(province, communes, subjects)
        self.stdout.write(
            f"Demo data: {len(subjects)} subjects, {len(PRODUCTS)} products, "
            f"{len(ACCOUNTS)} accounts in {province.full_name}"
        )
        if session is None:
            self.stdout.write(
                "No demo council session: run `manage.py load_criteria --shipped`, "
                "then load_demo again."
            )
        if not certified:
            self.stdout.write(
                "No demo certificates or stamps: run `manage.py load_certification_rules`, "
                "then load_demo again."
            )
        if stamp is not None:
            self.stdout.write(
                f"Demo stamp {stamp.serial} ({STAMP_PRODUCT}): "
                f"{stamp_url(token=stamp.token, gtin=stamp.batch.product.gtin)}"
            )

    def _council(self, province):
        """The council, its members and the planned session, through the
        evaluation domain; each is created only if missing."""
        officer = User.objects.get(username=COUNCIL_OFFICER)
        council = Council.objects.filter(name=COUNCIL["name"], unit=province).first()
        if council is None:
            council = councils.create_council(by=officer, unit=province, **COUNCIL)
        for username, body, role, position in COUNCIL_MEMBERS:
            user = User.objects.get(username=username)
            if not council.members.filter(user=user, body=body).exists():
                councils.add_member(
                    council=council,
                    user=user,
                    by=officer,
                    body=body,
                    role=role,
                    position=position,
                )
        session = Session.objects.filter(council=council, title=SESSION["title"]).first()
        if session is not None:
            return session
        products = [
            Product.objects.select_related("category").get(name=name, province=province)
            for name in AGENDA
        ]
        if not all(
            sheets_for_product_set(p.category, on=SESSION["date"]).exists() for p in products
        ):
            return None
        session = sessions.create_session(council=council, by=officer, **SESSION)
        for product in products:
            sessions.add_item(session=session, product=product, by=officer)
        sessions.set_attendance(
            session=session,
            present_member_ids=council.members.filter(body=Body.COUNCIL).values_list(
                "pk", flat=True
            ),
            by=officer,
        )
        return session

    def _cycle(self, province):
        """The province's 2026 cycle with its phases and two evaluation rounds
        (created only if missing)."""
        from ocop.cycles.models import Cycle, EvaluationRound, Phase  # noqa: PLC0415

        cycle, created = Cycle.objects.get_or_create(
            province=province,
            year=CYCLE["year"],
            defaults={
                "title": CYCLE["title"],
                "created_by": User.objects.get(username=COUNCIL_OFFICER),
            },
        )
        if not created:
            return cycle
        for kind, starts_on, ends_on in CYCLE["phases"]:
            Phase.objects.create(cycle=cycle, kind=kind, starts_on=starts_on, ends_on=ends_on)
        for number, title, deadline in CYCLE["rounds"]:
            EvaluationRound.objects.create(
                cycle=cycle, number=number, title=title, submission_deadline=deadline
            )
        return cycle

    # Certification -------------------------------------------------------------

    def _decisions(self, province) -> bool:
        """The recognition decisions of ``DECISIONS``, each created as a draft
        and issued through ``set_decision_state`` unless a decision with its
        number exists. False when no certification rule is loaded."""
        table = rules_table()
        if not table:
            return False
        today = timezone.localdate()
        officer = User.objects.get(username=DECISION_OFFICER)
        for number, when, lines in DECISIONS:
            if Decision.objects.filter(
                level=AuthorityLevel.PROVINCE, unit=province, number=number
            ).exists():
                continue
            day = None
            if when == "expiring":
                day = self._expiring_decision_date(today, table)
            day = day or add_months(today, -24)
            self._issue_decision(province, officer, number=number, day=day, lines=lines)
        return True

    @staticmethod
    def _expiring_decision_date(today: date, table) -> date | None:
        """A decision date whose certificate is in the "expires soon" window
        today (as near its middle as the calendar allows), by the rules' data;
        None if the rules have no such window."""
        guess = add_months(today, -rule_on(today, table=table).validity_months)
        best = None
        for offset in range(-60, 61):
            day = guess + timedelta(days=offset)
            try:
                window = rule_on(day, table=table).expiring_days
            except NoRuleInForce:
                continue
            left = (valid_until_for(issued_on=day, table=table) - today).days
            if 1 <= left <= window:
                distance = abs(left - (window + 1) // 2)
                if best is None or distance < best[0]:
                    best = (distance, day)
        return best[1] if best else None

    @staticmethod
    def _issue_decision(province, officer, *, number: str, day: date, lines) -> Decision:
        """A draft decision with its annex, in the texts a draft from a council
        session gets (the demo has no closed session behind these), issued
        by the provincial officer: the certificates, their numbers and the
        products' status come from ``set_decision_state``."""
        level = AuthorityLevel.PROVINCE
        bases = [f"Căn cứ {basis.title};" for basis in legal_bases_on(level=level, day=day)]
        bases.append(
            "Xét đề nghị của Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa về kết quả "
            "đánh giá, phân hạng sản phẩm OCOP (dữ liệu demo)."
        )
        decision = Decision.objects.create(
            state=DecisionState.DRAFT,
            number=number,
            date=day,
            title=title_for(level=level, unit=province, day=day),
            authority=authority_for(level=level, unit=province),
            level=level,
            unit=province,
            legal_basis="\n".join(bases),
            created_by=officer,
            **DECISION_SIGNER,
        )
        products = []
        for order, (name, star, score) in enumerate(lines, start=1):
            product = Product.objects.get(name=name, province=province)
            DecisionItem.objects.create(
                decision=decision, product=product, star=star, score=score, order=order
            )
            products.append({"product": str(product), "star": star, "score": str(score)})
        log_action(
            action="ocop.decision.drafted",
            by=officer,
            obj=decision,
            unit=province,
            data={"session": None, "products": products},
        )
        return set_decision_state(decision=decision, action="issue", by=officer)

    # Traceability and stamps --------------------------------------------------

    def _stamps(self, province) -> Stamp | None:
        """The production batch with its steps, the approved stamp batch for
        it and the waiting request, each created only if missing. Returns
        the first stamp of the approved batch (its page is the demo's)."""
        product = Product.objects.get(name=STAMP_PRODUCT, province=province)
        producer = User.objects.get(username=PRODUCER)
        officer = User.objects.get(username=STAMP_OFFICER)
        lot = ProductionBatch.objects.filter(product=product, lot_code=LOT["lot_code"]).first()
        if lot is None:
            today = timezone.localdate()
            produced = today - timedelta(days=LOT["produced_days_ago"])
            lot = record_batch(
                product=product,
                lot_code=LOT["lot_code"],
                production_date=produced,
                expiry_date=produced + timedelta(days=LOT["shelf_life_days"]),
                quantity=LOT["quantity"],
                unit=LOT["unit"],
                standards=LOT["standards"],
                by=producer,
            )
            for step, days_before, at, place, quantity, text in LOT_EVENTS:
                day = produced - timedelta(days=days_before)
                record_event(
                    batch=lot,
                    biz_step=step,
                    event_time=timezone.make_aware(datetime.combine(day, at)),
                    place=place,
                    quantity=quantity,
                    description=text,
                    by=producer,
                )
        approved = (
            StampBatch.objects.filter(product=product, production_batch=lot).order_by("pk").first()
        )
        if approved is None:
            approved = request_stamps(
                product=product, quantity=APPROVED_STAMPS, production_batch=lot, by=producer
            )
            approved = set_batch_state(batch=approved, action="approve", by=officer)
        if not StampBatch.objects.filter(product=product, note=PENDING_REQUEST["note"]).exists():
            request_stamps(product=product, by=producer, **PENDING_REQUEST)
        if approved.state != RequestState.APPROVED:
            return None
        return (
            Stamp.objects.filter(batch=approved)
            .select_related("batch__product")
            .order_by("serial")
            .first()
        )


# Training, publicity and support (issue 7) ---------------------------------------------
#
# Everything here goes through ocop.events.domain (so the activity log is
# real) and is created only if missing: an activity by its title (with its
# participants, check-ins, head counts and state), a distribution by its kind
# and note, a support record by its subject, kind and note. Dates are taken
# relative to the day of the first run.

EVENTS_OFFICER = "tinh.canbo"
EVENTS_ORGANISER = "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa"
DEMO_NOTE = "(dữ liệu demo)"
EVENTS = [
    {
        # A held provincial publicity conference earlier this year, head counts only.
        "title": "Hội nghị tuyên truyền triển khai Chương trình OCOP tỉnh Thanh Hóa",
        "kind": "publicity",
        "level": "province",
        "when": ("this_year", 0.3),
        "days": 1,
        "place": "Hội trường UBND tỉnh Thanh Hóa, phường Hạc Thành",
        "target_groups": ["leaders", "province_officials", "commune_officials", "subjects"],
        "topics": ["programme-news", "decentralised-certification", "registration-procedures"],
        "speakers": "Lãnh đạo Văn phòng Điều phối nông thôn mới tỉnh",
        "description": "Quán triệt Chương trình OCOP giai đoạn mới, phân cấp công nhận sản "
        "phẩm OCOP và kế hoạch chu trình OCOP thường niên của tỉnh " + DEMO_NOTE + ".",
        "funding_source": "local_budget",
        "cost": Decimal(38_500_000),
        "is_public": False,
        "head_counts": {
            "leaders": 12,
            "province_officials": 25,
            "commune_officials": 96,
            "subjects": 148,
            "other": 7,
        },
        "state": "held",
        "outcome": "288 lượt người tham dự; các xã đăng ký ý tưởng sản phẩm OCOP mới "
        "trước ngày 30/6 " + DEMO_NOTE + ".",
    },
    {
        # A held two-day provincial training class with named participants, checked in.
        "title": "Tập huấn Bộ tiêu chí OCOP và quy trình đánh giá, phân hạng sản phẩm OCOP",
        "kind": "training",
        "level": "province",
        "when": ("this_year", 0.7),
        "days": 2,
        "place": "Hội trường Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
        "target_groups": ["subjects", "commune_officials", "consultants"],
        "topics": [
            "criteria-evaluation",
            "programme-news",
            "product-story",
            "packaging-labels",
        ],
        "speakers": "Chuyên gia Văn phòng Điều phối nông thôn mới Trung ương\n"
        "Thành viên Tổ tư vấn OCOP tỉnh",
        "description": "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP; hồ sơ, quy trình "
        "đánh giá; hoàn thiện bao bì, nhãn mác và câu chuyện sản phẩm " + DEMO_NOTE + ".",
        "funding_source": "programme",
        "cost": Decimal(45_000_000),
        "capacity": 80,
        "is_public": True,
        "participants": [
            # (full name, organisation, audience, subject reg. no., account, checked in)
            (
                "Lê Văn Tâm",
                "Giám đốc HTX Nông nghiệp Đồng Tâm",
                "subjects",
                "2801234567",
                "sx.dongtam",
                "qr",
            ),
            (
                "Nguyễn Thị Hải",
                "Giám đốc Công ty TNHH Hải sản Hậu Lộc",
                "subjects",
                "2809876543",
                None,
                "list",
            ),
            ("Lê Thị Hoa", "Chủ hộ kinh doanh", "subjects", "2805550001", None, "list"),
            (
                "Trần Văn Biển",
                "Phó Giám đốc Công ty CP Thực phẩm Sầm Sơn",
                "subjects",
                "2805550002",
                None,
                None,
            ),
            (
                "Cán bộ UBND xã Hoằng Hóa",
                "UBND xã Hoằng Hóa",
                "commune_officials",
                None,
                "xa.hoanghoa",
                "list",
            ),
            (
                "Chuyên gia tư vấn OCOP",
                "Đơn vị tư vấn (dữ liệu demo)",
                "consultants",
                None,
                "tuvan",
                "list",
            ),
        ],
        # Officials of other communes who were counted but not named.
        "head_counts": {"commune_officials": 18},
        "state": "held",
        "outcome": "Học viên nắm được Bộ tiêu chí và quy trình đánh giá; 3 chủ thể đăng ký "
        "hoàn thiện hồ sơ sản phẩm trong đợt 2 " + DEMO_NOTE + ".",
    },
    {
        # A public training open for registration in about ten days (a producer
        # registers online in the demo).
        "title": "Lớp tập huấn Câu chuyện sản phẩm, bao bì và thương mại điện tử cho chủ thể OCOP",
        "kind": "training",
        "level": "province",
        "when": ("days", 10),
        "days": 1,
        "place": "Trung tâm Hội nghị tỉnh Thanh Hóa, phường Hạc Thành",
        "target_groups": ["subjects", "consultants"],
        "topics": ["product-story", "packaging-labels", "digital-transformation"],
        "speakers": "Chuyên gia thiết kế bao bì và thương mại điện tử (dữ liệu demo)",
        "description": "Xây dựng câu chuyện sản phẩm, thiết kế bao bì, nhãn hàng và đưa sản "
        "phẩm OCOP lên sàn thương mại điện tử " + DEMO_NOTE + ".",
        "funding_source": "local_budget",
        "cost": Decimal(30_000_000),
        "capacity": 40,
        "is_public": True,
        "participants": [
            (
                "Nguyễn Thị Hải",
                "Giám đốc Công ty TNHH Hải sản Hậu Lộc",
                "subjects",
                "2809876543",
                None,
                None,
            ),
            ("Lê Thị Hoa", "Chủ hộ kinh doanh", "subjects", "2805550001", None, None),
        ],
        "state": "open",
    },
    {
        # A planned commune-level training, set up by the commune officer.
        "title": "Tập huấn hướng dẫn hồ sơ tham gia OCOP cho hộ sản xuất xã Hoằng Hóa",
        "kind": "training",
        "level": "commune",
        "commune": "Hoằng Hóa",
        "by": "xa.hoanghoa",
        "organiser": "UBND xã Hoằng Hóa",
        "when": ("days", 25),
        "days": 1,
        "place": "Hội trường UBND xã Hoằng Hóa",
        "target_groups": ["subjects"],
        "topics": ["registration-procedures", "business-plan"],
        "description": "Hướng dẫn các hộ sản xuất lập phương án kinh doanh và hồ sơ đăng ký "
        "tham gia Chương trình OCOP " + DEMO_NOTE + ".",
        "funding_source": "local_budget",
        "cost": Decimal(8_000_000),
        "is_public": True,
        "state": "planned",
    },
    {
        # A cancelled event, with its reason.
        "title": "Hội nghị kết nối cung cầu sản phẩm OCOP các xã ven biển",
        "kind": "connection",
        "level": "province",
        "when": ("days", 5),
        "days": 1,
        "place": "Khu du lịch biển Sầm Sơn",
        "target_groups": ["subjects", "other"],
        "topics": ["markets"],
        "funding_source": "socialised",
        "is_public": True,
        "state": "cancelled",
        "cancel_reason": "Trùng lịch Hội chợ OCOP khu vực Bắc Trung Bộ; dời sang quý I năm sau "
        + DEMO_NOTE
        + ".",
    },
]
DISTRIBUTIONS = [
    # (kind, quantity, when, commune or None, place, at the activity (title) or None, note)
    (
        "panel",
        18,
        ("activity", 0),
        None,
        "Các tuyến đường trung tâm và trụ sở UBND các xã tham gia OCOP",
        EVENTS[0]["title"],
        "Pano tuyên truyền Chương trình OCOP " + DEMO_NOTE,
    ),
    (
        "handbook",
        500,
        ("activity", 1),
        None,
        "Phát tại lớp tập huấn",
        EVENTS[1]["title"],
        "Sổ tay hướng dẫn Bộ tiêu chí OCOP " + DEMO_NOTE,
    ),
    (
        "leaflet",
        2000,
        ("days", -60),
        "Hoằng Hóa",
        "Nhà văn hóa các thôn, chợ xã Hoằng Hóa",
        None,
        "Tờ rơi giới thiệu Chương trình OCOP " + DEMO_NOTE,
    ),
    (
        "stamps",
        5000,
        ("days", -20),
        None,
        "Cấp cho các chủ thể có sản phẩm OCOP còn hiệu lực",
        None,
        "Tem OCOP cấp cho chủ thể " + DEMO_NOTE,
    ),
]
SUPPORTS = [
    # (subject reg. no., kind, product or None, days ago, provider, value, note)
    (
        "2801234567",
        "clip",
        "Nước mắm cá cơm Đồng Tâm",
        60,
        "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
        Decimal(15_000_000),
        "Phóng sự/clip giới thiệu sản phẩm phát trên truyền hình tỉnh " + DEMO_NOTE,
    ),
    (
        "2801234567",
        "traceability",
        None,
        30,
        "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
        None,
        "Tài khoản truy xuất nguồn gốc trên hệ thống của tỉnh " + DEMO_NOTE,
    ),
    (
        "2809876543",
        "ecommerce",
        "Mực khô Hậu Lộc",
        40,
        "Sở Công Thương tỉnh Thanh Hóa",
        Decimal(5_000_000),
        "Đưa sản phẩm lên sàn thương mại điện tử của tỉnh " + DEMO_NOTE,
    ),
]


def _event_start(when, today: date) -> date:
    """("days", n): n days from today; ("this_year", f): the day a fraction f
    of this year's elapsed days after 1 January (at least a day before today,
    so that a two-day event is over)."""
    kind, value = when
    if kind == "days":
        return today + timedelta(days=value)
    first = date(today.year, 1, 1)
    day = first + timedelta(days=int((today - first).days * value))
    return min(day, today - timedelta(days=2))


def _load_events(province, communes, subjects) -> None:
    """Activities with their participants, materials distributed and support
    to subjects in Thanh Hóa (see EVENTS, DISTRIBUTIONS, SUPPORTS)."""
    from ocop.events.domain import activities, head_counts, registrations, support  # noqa: PLC0415
    from ocop.events.enums import CheckInMethod, RegistrationChannel  # noqa: PLC0415
    from ocop.events.models import (  # noqa: PLC0415
        Activity,
        MaterialDistribution,
        Support,
        Topic,
    )

    today = timezone.localdate()
    officer = User.objects.get(username=EVENTS_OFFICER)
    topics = {t.code: t for t in Topic.objects.all()}
    by_title = {}
    for spec in EVENTS:
        activity = Activity.objects.filter(title=spec["title"], province=province).first()
        if activity is not None:
            by_title[spec["title"]] = activity
            continue
        by = User.objects.get(username=spec.get("by", EVENTS_OFFICER))
        starts_on = _event_start(spec["when"], today)
        activity = activities.create_activity(
            by=by,
            data={
                "title": spec["title"],
                "kind": spec["kind"],
                "level": spec["level"],
                "province": province,
                "commune": communes[spec["commune"]] if spec.get("commune") else None,
                "organiser": spec.get("organiser", EVENTS_ORGANISER),
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=spec["days"] - 1),
                "place": spec["place"],
                "target_groups": spec["target_groups"],
                "speakers": spec.get("speakers", ""),
                "description": spec.get("description", ""),
                "funding_source": spec.get("funding_source", ""),
                "cost": spec.get("cost"),
                "capacity": spec.get("capacity"),
                "is_public": spec["is_public"],
            },
            topics=[topics[code] for code in spec["topics"] if code in topics],
        )
        for name, organisation, audience, reg, username, checked_in in spec.get("participants", []):
            registration = registrations.register(
                activity=activity,
                by=by,
                full_name=name,
                organisation=organisation,
                audience=audience,
                subject=subjects[reg] if reg else None,
                user=User.objects.get(username=username) if username else None,
                channel=RegistrationChannel.OFFICER,
            )
            if checked_in:
                registrations.check_in(
                    registration=registration, by=by, method=CheckInMethod(checked_in)
                )
        if spec.get("head_counts"):
            head_counts.set_head_counts(activity=activity, by=by, counts=spec["head_counts"])
        state = spec["state"]
        if state in ("open", "held"):
            action = "open" if state == "open" else "hold"
            activity = activities.set_activity_state(activity=activity, action=action, by=by)
        elif state == "cancelled":
            activity = activities.set_activity_state(
                activity=activity, action="cancel", by=by, reason=spec["cancel_reason"]
            )
        if spec.get("outcome"):
            activity = activities.save_report(activity=activity, by=by, outcome=spec["outcome"])
        by_title[spec["title"]] = activity

    for kind, quantity, when, commune, place, at, note in DISTRIBUTIONS:
        if MaterialDistribution.objects.filter(province=province, kind=kind, note=note).exists():
            continue
        activity = by_title.get(at) if at else None
        if when[0] == "activity":
            day = activity.starts_on + timedelta(days=when[1])
        else:
            day = today + timedelta(days=when[1])
        support.record_distribution(
            by=officer,
            kind=kind,
            quantity=quantity,
            distributed_on=min(day, today),
            province=province,
            commune=communes[commune] if commune else None,
            place=place,
            provider=EVENTS_ORGANISER,
            activity=activity,
            note=note,
        )

    for reg, kind, product_name, days_ago, provider, value, note in SUPPORTS:
        subject = subjects[reg]
        if Support.objects.filter(subject=subject, kind=kind, note=note).exists():
            continue
        support.record_support(
            by=officer,
            subject=subject,
            kind=kind,
            given_on=today - timedelta(days=days_ago),
            provider=provider,
            value=value,
            product=Product.objects.get(subject=subject, name=product_name)
            if product_name
            else None,
            note=note,
        )
