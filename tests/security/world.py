"""The people and objects the authorization matrix requests pages with.

One person per role in Thanh Hóa (province "38"): the producer and the
consultant of subject X in commune X, the commune officer of commune X, the
provincial roles of the province, a council member of a Thanh Hóa council,
the central roles. Every kind of object a URL names is built twice: *in
scope* (commune X, subject X, Thanh Hóa) and *out of scope* (a commune of
Hà Nội, "01", with its own subject and people). Built through the existing
factories and domain functions, once per test module."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.domain.api_tokens import create_api_token
from ocop.accounts.domain.invitations import invite_representative
from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.certification.models import RevocationGround
from ocop.cycles.domain import cycles as cycle_domain
from ocop.cycles.domain import ideas as idea_domain
from ocop.cycles.domain import workflow
from ocop.evaluation.domain import councils, sessions
from ocop.evaluation.enums import ConflictKind, MemberRole
from ocop.evaluation.models import Scoresheet
from ocop.events.enums import MaterialKind, SupportKind
from ocop.events.models import ActivityFile, MaterialDistribution, Support, Topic
from ocop.exchange.models import Direction, Package
from ocop.inspections.domain import plans as plan_domain
from ocop.inspections.domain import visits as visit_domain
from ocop.inspections.domain.complaints import file_complaint
from ocop.producers.models import EvidenceDocument
from ocop.products.models import ProductImage
from ocop.registry.domain.service import check_batch, create_batch
from ocop.stats.domain import targets as stats_targets
from ocop.trade.domain import exports as trade_exports
from ocop.trade.domain import inquiries as trade_inquiries
from ocop.trade.domain import listings as trade_listings
from ocop.trade.domain import points as trade_points
from tests.factories.accounts import user_with_role
from tests.factories.certification import THREE_STARS, closed_session, issued_decision
from tests.factories.cycles import ready_dossier
from tests.factories.evaluation import council_with_members, open_session, sheet_1048
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import approved_batch, certify
from tests.factories.traceability import ProductionBatchFactory, TraceEventFactory
from tests.registry.files import thanh_hoa_list

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, *Role.values)
SCOPES = ("in", "out")

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# A 1×1 PNG, for product images.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def _people(province_code: str, commune, subject, tag: str) -> dict:
    """One user per role, scoped to ``province_code`` / ``commune`` / ``subject``."""
    unit = province(province_code)
    return {
        Role.PRODUCER: user_with_role(Role.PRODUCER, subject=subject, username=f"sx.{tag}"),
        Role.CONSULTANT: user_with_role(Role.CONSULTANT, subject=subject, username=f"tv.{tag}"),
        Role.COMMUNE_OFFICER: user_with_role(
            Role.COMMUNE_OFFICER, unit=commune, username=f"xa.{tag}"
        ),
        Role.PROVINCE_OFFICER: user_with_role(
            Role.PROVINCE_OFFICER, unit=unit, username=f"tinh.{tag}"
        ),
        Role.PROVINCE_ADMIN: user_with_role(Role.PROVINCE_ADMIN, unit=unit, username=f"qt.{tag}"),
        Role.ADVISORY_TEAM: user_with_role(Role.ADVISORY_TEAM, unit=unit, username=f"tv-tt.{tag}"),
        Role.COUNCIL_MEMBER: user_with_role(Role.COUNCIL_MEMBER, unit=unit, username=f"hd.{tag}"),
        Role.INSPECTOR: user_with_role(Role.INSPECTOR, unit=unit, username=f"tt.{tag}"),
    }


def _side(province_code: str, tag: str, *, gtin: str) -> dict:
    """Every kind of object a URL refers to, in ``province_code``."""
    commune = communes(province_code, 1)[0]
    subject = SubjectFactory(commune=commune, name=f"Hợp tác xã {tag}")
    people = _people(province_code, commune, subject, tag)
    producer = people[Role.PRODUCER]
    officer = people[Role.PROVINCE_OFFICER]
    unit = province(province_code)

    product = ProductFactory(subject=subject, name=f"Nước mắm {tag}")
    evaluated = ProductFactory(subject=subject, name=f"Mật ong {tag}")
    stamped = ProductFactory(subject=subject, name=f"Chè {tag}", gtin=gtin)
    drafted = ProductFactory(subject=subject, name=f"Rượu {tag}")
    document = EvidenceDocument.objects.create(
        subject=subject,
        doc_type="food_safety",
        number=f"ATTP-{tag}",
        issued_on=date(2024, 1, 1),
        file=ContentFile(PDF, name="attp.pdf"),
        original_name="attp.pdf",
        content_type="application/pdf",
    )
    image = ProductImage.objects.create(
        product=product,
        image=ContentFile(PNG, name="anh.png"),
        thumbnail=ContentFile(PNG, name="anh-thumb.png"),
        uploaded_by=producer,
    )
    with tempfile.TemporaryDirectory() as folder:
        upload = SimpleUploadedFile("ds.xlsx", thanh_hoa_list(Path(folder)).read_bytes())
    # The product certified by the decision has an image too (the public
    # verification page shows it).
    public_image = ProductImage.objects.create(
        product=evaluated,
        image=ContentFile(PNG, name="anh.png"),
        thumbnail=ContentFile(PNG, name="anh-thumb.png"),
    )
    imported = create_batch(by=officer, upload=upload, province=unit)
    check_batch(by=officer, batch=imported)

    # Cycles: a cycle of the province, an idea of the subject, a submitted dossier.
    cycle = cycle_domain.create_cycle(
        by=officer, province=unit, year=2025, title=f"Chu trình OCOP 2025 {tag}"
    )
    idea = idea_domain.register_idea(
        by=producer,
        cycle=cycle,
        subject=subject,
        product_name=f"Bánh gai {tag}",
        description="Ý tưởng sản phẩm mới",
    )
    planned = idea_domain.register_idea(
        by=producer,
        cycle=cycle,
        subject=subject,
        product_name=f"Nem chua {tag}",
        description="Ý tưởng đã được chấp thuận",
    )
    idea_domain.receive_idea(idea=planned, by=people[Role.COMMUNE_OFFICER])
    idea_domain.decide_idea(idea=planned, by=officer, accept=True)
    idea_domain.submit_plan(
        idea=planned,
        by=producer,
        summary="Phương án kinh doanh",
        upload=SimpleUploadedFile("phuong-an.pdf", PDF, content_type="application/pdf"),
    )
    draft = ready_dossier(product=drafted, producer=producer)
    dossier = ready_dossier(product=product, producer=producer)
    dossier = workflow.set_dossier_state(dossier=dossier, action="submit", by=producer)
    linked = dossier.documents.exclude(evidence=None).first()

    # Evaluation: a council of the province with the council member of this
    # side as an ordinary member; an open session scoring ``product``; a
    # closed session whose decision certified ``evaluated``.
    council, members = council_with_members(officer=officer, members=3, code=province_code)
    member = councils.add_member(
        council=council, user=people[Role.COUNCIL_MEMBER], by=officer, role=MemberRole.MEMBER
    )
    session = open_session(officer=officer, council=council, products=[product])
    item = session.items.get()
    conflict = sessions.declare_conflict(
        item=item, member=members[1], kind=ConflictKind.OTHER, by=officer, recuse=False
    )
    scoresheet = Scoresheet.objects.get(item=item, member=member)
    closed = closed_session(
        officer=officer,
        council=council,
        products=[evaluated],
        results={evaluated.pk: THREE_STARS},
    )
    decision = issued_decision(session=closed, by=officer, number=f"9{len(tag)}/QĐ-UBND")
    certificate = decision.certificates.get()
    awaiting = closed_session(officer=officer, council=council, products=[stamped])

    # Stamps and traceability.
    certify(stamped, star=4)
    production = ProductionBatchFactory(product=stamped)
    trace_event = TraceEventFactory(batch=production)
    batch = approved_batch(product=stamped, producer=producer, officer=officer, quantity=3)
    stamp = batch.stamps.order_by("pk").first()
    complaint = file_complaint(
        code=f"s/{stamp.token}", message="Tem nghi giả", fingerprint=f"matrix-{tag}"
    )

    # Inspections: an approved plan of the province, a planned visit of the
    # stamped product with a photo, a closed visit proposing to revoke the
    # decision's certificate.
    inspector = people[Role.INSPECTOR]
    today = timezone.localdate()
    plan = plan_domain.create_plan(province=unit, year=today.year, by=inspector, seed=1)
    plan_domain.set_plan_state(plan=plan, action="submit", by=inspector)
    plan = plan_domain.set_plan_state(plan=plan, action="approve", by=officer)
    visit = plan_domain.assign_visit(
        plan=plan, product=stamped, inspector=inspector, on=today, by=officer
    )
    photo = visit_domain.add_photo(
        visit=visit, upload=SimpleUploadedFile("anh.png", PNG), by=inspector
    )
    proposing = plan_domain.assign_visit(
        plan=plan, product=evaluated, inspector=inspector, on=today, by=officer
    )
    visit_domain.save_answers(
        visit=proposing,
        answers={i.code: ("finding", "") for i in proposing.checklist.items.all()},
        by=inspector,
    )
    visit_domain.acknowledge(visit=proposing, name="Đại diện", confirmed=True, by=inspector)
    visit_domain.set_visit_state(
        visit=proposing,
        action="close",
        by=inspector,
        outcome="revoke",
        ground=RevocationGround.objects.filter(active=True).first(),
        evidence="Chứng cứ",
    )

    # Events: an internal class of the province (not on the public calendar),
    # a public one open for registration, a file, a registration of the
    # subject's producer, materials handed out and support to the subject.
    activity = ActivityFactory(province=unit, is_public=False, title=f"Lớp nội bộ {tag}")
    public_activity = ActivityFactory(province=unit, is_public=True, title=f"Lớp công khai {tag}")
    activity_file = ActivityFile.objects.create(
        activity=activity,
        kind="material",
        file=ContentFile(PDF, name="tai-lieu.pdf"),
        uploaded_by=officer,
    )
    registration = RegistrationFactory(activity=activity, user=producer, subject=subject)
    distribution = MaterialDistribution.objects.create(
        kind=MaterialKind.values[0],
        quantity=10,
        distributed_on=timezone.localdate() - timedelta(days=3),
        province=unit,
        commune=commune,
        created_by=officer,
    )
    support = Support.objects.create(
        subject=subject,
        kind=SupportKind.values[0],
        given_on=timezone.localdate() - timedelta(days=3),
        provider="Sở Nông nghiệp",
        created_by=officer,
    )
    invitation, _token = invite_representative(
        by=people[Role.COMMUNE_OFFICER], subject=subject, full_name="Đại diện", phone="0912345678"
    )
    # Trade promotion: a point of sale in the commune carrying the certified
    # product, a listing and an export market of the product, an inquiry.
    point_of_sale = trade_points.create_point(
        by=officer,
        name=f"Điểm bán OCOP {tag}",
        kind="shop",
        commune=commune,
        since=timezone.localdate() - timedelta(days=30),
        products=[stamped],
    )
    listing = trade_listings.add_listing(
        by=producer,
        product=product,
        platform="own_site",
        url=f"https://{tag}.example.vn/",
        since=timezone.localdate(),
    )
    export_market = trade_exports.add_export_market(
        by=producer, product=product, country_code="JP", year=timezone.localdate().year
    )
    inquiry = trade_inquiries.file_inquiry(
        subject=subject,
        product=stamped,
        name="Người mua",
        contact="0912345678",
        message="Xin báo giá sỉ sản phẩm.",
    )
    # A target of the commune for this year (read by the commune's officer).
    province_target, _created = stats_targets.set_province_target(
        by=officer,
        province=unit,
        commune=commune,
        year=timezone.localdate().year,
        new_products=3,
    )
    api_token, _secret = create_api_token(
        user=people[Role.COMMUNE_OFFICER],
        name=f"matrix {tag}",
        days=30,
        roles=[Role.COMMUNE_OFFICER],
    )
    return {
        "people": people,
        "api_token": api_token,
        "province_unit": unit,
        "public_image": public_image,
        "point_of_sale": point_of_sale,
        "listing": listing,
        "export_market": export_market,
        "inquiry": inquiry,
        "province_target": province_target,
        "account": people[Role.COMMUNE_OFFICER],
        "invitation": invitation,
        "subject": subject,
        "product": product,
        "document": document,
        "image": image,
        "import": imported,
        "cycle": cycle,
        "idea": idea,
        "planned_idea": planned,
        "draft_dossier": draft,
        "dossier": dossier,
        "dossier_doc": linked.evidence,
        "council": council,
        "member": members[2],
        "session": session,
        "item": item,
        "conflict": conflict,
        "scoresheet": scoresheet,
        "closed_session": awaiting,
        "decision": decision,
        "decision_item": decision.items.get(),
        "certificate": certificate,
        "stamp_product": stamped,
        "stamp_batch": batch,
        "stamp": stamp,
        "production": production,
        "trace_event": trace_event,
        "complaint": complaint,
        "inspection_plan": plan,
        "visit": visit,
        "photo": photo,
        "proposing_visit": proposing,
        "activity": activity,
        "public_activity": public_activity,
        "activity_file": activity_file,
        "registration": registration,
        "distribution": distribution,
        "support": support,
        "exchange_package": Package.objects.create(
            direction=Direction.EXPORT,
            province_code=province_code,
            generated_at=timezone.now(),
            sha256="0" * 64,
        ),
    }


def build_world() -> dict:
    """``{"users": {role: user}, "in": {kind: obj}, "out": {kind: obj}, "shared": ...}``."""
    central = {
        Role.CENTRAL_OFFICER: user_with_role(Role.CENTRAL_OFFICER, username="tw.officer"),
        Role.CENTRAL_ADMIN: user_with_role(Role.CENTRAL_ADMIN, username="tw.admin"),
    }
    inside = _side("38", "th", gtin="8930000000017")
    outside = _side("01", "hn", gtin="8930000000024")
    topic = Topic.objects.create(code="matrix", name="Chuyên đề kiểm thử")
    users = {**inside.pop("people"), **central}
    outside.pop("people")
    shared = {"sheet": sheet_1048(), "topic": topic}
    # A personal API token per person, with all their roles, that may write:
    # the API's rows of the matrix are requested with it (``Authorization``).
    tokens = {
        role: create_api_token(
            user=user, name="matrix", days=30, roles=sorted(scope_for(user).roles), can_write=True
        )[1]
        for role, user in users.items()
    }
    return {
        "users": users,
        "tokens": tokens,
        "in": {**shared, **inside},
        "out": {**shared, **outside},
    }
