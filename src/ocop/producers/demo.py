"""Demo data (``manage.py load_demo``): a handful of (fictional) subjects in
Thanh Hóa, their evidence documents, and the accounts that act for them.
Reads ``ctx.communes`` and ``ctx.subject_roles`` (from the accounts' demo);
sets ``ctx.subjects`` (by registration number). The documents' dates are
relative to ``ctx.today`` of the first run (one expires in a few days, one
has expired); a document is created only if its subject has none of its
type."""

from datetime import timedelta

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
    # (subject registration number, type, number ("{year}": the year issued), issuer,
    #  issued and expiry in days from today (None: no expiry))
    (
        "2801234567",
        "business_registration",
        "2801234567",
        "Sở Tài chính tỉnh Thanh Hóa",
        -8 * 365 - 270,
        None,
    ),
    # A food-safety certificate that expires in a few days (flagged as expiring soon).
    (
        "2801234567",
        "food_safety",
        "215/{year}/ATTP-CNĐK",
        "Chi cục An toàn vệ sinh thực phẩm",
        -3 * 365 + 5,
        5,
    ),
    # A test report whose year of validity is over (flagged as expired).
    (
        "2801234567",
        "test_report",
        "KN-{year}/0412",
        "Trung tâm Kiểm nghiệm Thanh Hóa",
        -600,
        -235,
    ),
    (
        "2809876543",
        "quality_declaration",
        "03/HSHL/{year}",
        "Công ty TNHH Hải sản Hậu Lộc",
        -2 * 365 - 220,
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
    today = ctx.today
    for reg, doc_type, number, issuer, issued_days, expires_days in DOCUMENTS:
        if EvidenceDocument.objects.filter(subject=subjects[reg], doc_type=doc_type).exists():
            continue
        issued = today + timedelta(days=issued_days)
        EvidenceDocument.objects.create(
            subject=subjects[reg],
            doc_type=doc_type,
            number=number.format(year=issued.year),
            issuer=issuer,
            issued_on=issued,
            expires_on=today + timedelta(days=expires_days) if expires_days is not None else None,
        )
    for user, role, reg in ctx.subject_roles:
        RoleAssignment.objects.get_or_create(user=user, role=role, unit=None, subject=subjects[reg])
    ctx.subjects = subjects
