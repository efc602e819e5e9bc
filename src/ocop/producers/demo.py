"""Demo data (``manage.py load_demo``): a handful of (fictional) subjects in
Thanh Hóa, their evidence documents, and the accounts that act for them.
Reads ``ctx.communes`` and ``ctx.subject_roles`` (from the accounts' demo);
sets ``ctx.subjects`` (by registration number)."""

from datetime import date

from ocop.accounts.models import RoleAssignment
from ocop.producers.enums import LegalForm
from ocop.producers.models import EvidenceDocument, Subject

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


def load(*, ctx) -> None:
    subjects = {}
    for reg, name, form, commune, rep in SUBJECTS:
        subject, _ = Subject.objects.get_or_create(
            registration_number=reg,
            defaults={
                "name": name,
                "legal_form": form,
                "commune": ctx.communes[commune],
                "representative": rep,
            },
        )
        subjects[reg] = subject
    for reg, doc_type, number, issuer, issued, expires in DOCUMENTS:
        EvidenceDocument.objects.get_or_create(
            subject=subjects[reg],
            doc_type=doc_type,
            number=number,
            defaults={"issuer": issuer, "issued_on": issued, "expires_on": expires},
        )
    for user, role, reg in ctx.subject_roles:
        RoleAssignment.objects.get_or_create(user=user, role=role, unit=None, subject=subjects[reg])
    ctx.subjects = subjects
