"""Demo data: Thanh Hóa province, its coordination office, a few communes,
one account of each role and a handful of (fictional) subjects and products;
the provincial evaluation council with a planned session (once the criteria
sheets are loaded: ``manage.py load_criteria --shipped``).
Deterministic and idempotent. Logins: see README or ``manage.py demo_logins``."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Organisation, RoleAssignment, User
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
        self.stdout.write(
            f"Demo data: {len(subjects)} subjects, {len(PRODUCTS)} products, "
            f"{len(ACCOUNTS)} accounts in {province.full_name}"
        )
        if session is None:
            self.stdout.write(
                "No demo council session: run `manage.py load_criteria --shipped`, "
                "then load_demo again."
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
