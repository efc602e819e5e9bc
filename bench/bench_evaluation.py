"""Benchmark of a council session: `python -m bench.bench_evaluation`.

On a throw-away database (the set-up of bench/run.py, whose helpers it uses)
it builds, deterministically, a provincial council of 9 members and one open
session of 60 products scored on the 1048 fresh-produce sheet
("1048-I-rau-cu-qua-tuoi"). Every member's sheet is answered (bulk-created
answers, totals from the scoring engine) and 8 of the 9 sheets of each product
are submitted. Then it times:

(1) the 9th member submitting their 60 sheets through
    ``scoring.submit_scoresheet``, which computes every product's result;
(2) ``documents.render_minutes`` (the minutes PDF, after closing the session)
    and ``documents.results_workbook``;
(3) the scoring page GET and the htmx autosave POST of one criterion, as the
    member, p50/p95 of server time (test client), with the number of SQL
    queries per request; the page is also counted on a sheet with another
    number of criteria (the 148 sample, if loaded) to show whether queries
    grow per criterion.

BENCH_PRODUCTS (default 60) and BENCH_N (default 50) change the sizes.
"""

import io
import os
import platform
import statistics
import time
from datetime import date
from decimal import Decimal

from bench.run import percentile, timed_requests

MEMBERS = 9
SHEET_CODE = "1048-I-rau-cu-qua-tuoi"


def reference_data() -> None:
    from django.core.management import call_command

    from ocop.criteria.models import Sheet

    call_command("migrate", verbosity=0)
    call_command("load_admin_units", province=["38"], verbosity=0)
    call_command("load_calendar", verbosity=0)
    call_command("load_product_categories", verbosity=0)
    if not Sheet.objects.filter(code=SHEET_CODE).exists():
        call_command("load_criteria", "--shipped", verbosity=0)


def account(username: str, role: str, unit, full_name: str):
    from ocop.accounts.models import RoleAssignment, User

    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": f"{username}@example.vn"}
    )
    if created:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def products_of(sheet, *, count: int) -> list:
    """``count`` products of the sheet's product set, 5 per subject, in
    Thanh Hóa's first communes (created once, reused by later runs)."""
    from ocop.geo.models import AdminUnit
    from ocop.producers.enums import LegalForm
    from ocop.producers.models import Subject, subject_search_text
    from ocop.products.models import Product, product_search_text

    communes = list(
        AdminUnit.objects.filter(era="2025", level="commune", province__code="38")
        .select_related("parent")
        .order_by("code")[:12]
    )
    category = sheet.product_set
    products = []
    for i in range(count):
        commune = communes[(i // 5) % len(communes)]
        reg = f"38{i // 5:08d}"
        name = f"Hợp tác xã Rau an toàn Số {i // 5} {commune.name}"
        subject, _ = Subject.objects.get_or_create(
            registration_number=reg,
            defaults={
                "name": name,
                "legal_form": LegalForm.COOPERATIVE,
                "commune": commune,
                "province_id": commune.province_id,
                "name_key": name.lower(),
                "search_text": subject_search_text(
                    name=name, registration_number=reg, commune=commune
                ),
            },
        )
        product_name = f"Rau cải ngọt {commune.name} {i}"
        product, _ = Product.objects.get_or_create(
            subject=subject,
            name=product_name,
            defaults={
                "category": category,
                "group_code": category.code.split(".")[0],
                "commune": commune,
                "province_id": commune.province_id,
                "search_text": product_search_text(
                    name=product_name, subject_name=subject.name, commune=commune
                ),
            },
        )
        products.append(product)
    return products


def choice(criterion, *, item: int, member: int, position: int) -> list[str]:
    """Deterministic, varied answers: each product is weaker on some
    criteria, and each member marks a few criteria one step lower."""
    options = sorted(criterion.options, key=lambda o: (-o.points, o.code))
    step = int((item + position) % 4 == 0) + int((member + 2 * position + item) % 11 == 0)
    if criterion.kind == "multi":
        return sorted(o.code for o in options[step:])
    return [options[min(step, len(options) - 1)].code]


def fill_all(session, spec, criteria_ids: dict[str, int], *, last_member) -> None:
    """Answer every sheet of the session; submit all but ``last_member``'s."""
    from django.utils import timezone

    from ocop.criteria import engine
    from ocop.evaluation.enums import SheetStatus
    from ocop.evaluation.models import CriterionScore, Scoresheet

    sheets = list(
        Scoresheet.objects.filter(item__session=session)
        .select_related("item")
        .order_by("item__order", "member_id")
    )
    member_index = {m: i for i, m in enumerate(sorted({s.member_id for s in sheets}))}
    answers = []
    now = timezone.now()
    for sheet in sheets:
        given = {}
        for position, criterion in enumerate(spec.criteria):
            options = choice(
                criterion,
                item=sheet.item.order,
                member=member_index[sheet.member_id],
                position=position,
            )
            answer = engine.Answer(options=frozenset(options))
            given[criterion.code] = answer
            answers.append(
                CriterionScore(
                    scoresheet=sheet,
                    criterion_id=criteria_ids[criterion.code],
                    options=options,
                    points=engine.criterion_points(criterion, answer),
                )
            )
        score = engine.score_sheet(spec, given)
        sheet.total = score.total
        sheet.part_totals = {k: str(v.quantize(Decimal("0.01"))) for k, v in score.parts.items()}
        if sheet.member_id != last_member.pk:
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = now
    CriterionScore.objects.bulk_create(answers, batch_size=2000)
    Scoresheet.objects.bulk_update(
        sheets, ["total", "part_totals", "status", "submitted_at"], batch_size=500
    )


def build_session(*, officer, council, members, sheet, products, title: str):
    from ocop.evaluation.domain import sessions

    session = sessions.create_session(
        council=council, by=officer, title=title, date=date(2025, 9, 15), place="Thanh Hóa"
    )
    for product in products:
        sessions.add_item(
            session=session,
            product=product,
            by=officer,
            sheet=sheet,
            exception_reason="Benchmark: synthetic session",
        )
    sessions.set_attendance(session=session, present_member_ids=[m.pk for m in members], by=officer)
    return sessions.set_session_state(session=session, action="open", by=officer)


def count_queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def timed_posts(client, path: str, payloads: list[dict], *, n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        response = client.post(path, payloads[i % len(payloads)], headers={"HX-Request": "true"})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        assert response.context["error"] is None, response.context["error"]
    return times


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from pypdf import PdfReader

    setup_test_environment()
    print(
        f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}"
    )
    start = time.perf_counter()
    reference_data()
    print(f"reference data (Thanh Hóa, sets, criteria) in {time.perf_counter() - start:.1f} s")

    from ocop.accounts.enums import Role
    from ocop.criteria.domain.queries import sheet_spec, sheet_with_tree
    from ocop.criteria.enums import EvaluationLevel
    from ocop.criteria.models import Sheet
    from ocop.evaluation.domain import councils, documents, scoring, sessions
    from ocop.evaluation.enums import ItemStatus, MemberRole, SheetStatus
    from ocop.evaluation.models import RoundResult, Scoresheet
    from ocop.geo.models import AdminUnit

    count = int(os.environ.get("BENCH_PRODUCTS", "60"))
    n = int(os.environ.get("BENCH_N", "50"))
    start = time.perf_counter()
    thanh_hoa = AdminUnit.objects.get(era="2025", level="province", code="38")
    officer = account("bench.tinh", Role.PROVINCE_OFFICER, thanh_hoa, "Cán bộ OCOP tỉnh")
    council = councils.create_council(
        by=officer,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thanh Hóa",
        level=EvaluationLevel.PROVINCE,
        unit=thanh_hoa,
        decision_number="1234/QĐ-UBND",
        decision_date=date(2025, 8, 1),
    )
    members = []
    for i in range(MEMBERS):
        user = account(f"bench.hd{i}", Role.COUNCIL_MEMBER, thanh_hoa, f"Thành viên Hội đồng {i}")
        role = MemberRole.CHAIR if i == 0 else MemberRole.MEMBER
        members.append(councils.add_member(council=council, user=user, by=officer, role=role))
    last = members[-1]
    sheet = Sheet.objects.get(code=SHEET_CODE, superseded_by__isnull=True)
    tree = sheet_with_tree(sheet.pk)
    spec = sheet_spec(tree)
    products = products_of(sheet, count=count)
    session = build_session(
        officer=officer,
        council=council,
        members=members,
        sheet=sheet,
        products=products,
        title=f"Phiên đánh giá {count} sản phẩm",
    )
    fill_all(session, spec, {c.code: c.pk for c in tree.criteria.all()}, last_member=last)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    answered = Scoresheet.objects.filter(item__session=session).count()
    print(
        f"session: {MEMBERS} members × {count} products, sheet {SHEET_CODE} "
        f"({len(spec.criteria)} criteria); {answered} sheets answered "
        f"in {time.perf_counter() - start:.1f} s"
    )

    # (3) The scoring page and autosave, on the last member's draft sheets.
    client = Client()
    client.force_login(last.user)
    draft = Scoresheet.objects.get(item__session=session, item__order=1, member=last)
    page = f"/evaluation/scoresheets/{draft.pk}/"
    answer = f"/evaluation/scoresheets/{draft.pk}/answer/"
    stored = {a.criterion.code: a.options for a in draft.answers.select_related("criterion")}
    # Re-saving the stored answers, criterion by criterion, leaves the data as built.
    payloads = [
        {"criterion": c.code, f"c-{c.code}": stored[c.code]}
        for c in spec.criteria
        if stored[c.code]
    ]
    timed_requests(client, page, n=5)  # warm-up
    get_times = timed_requests(client, page, n=n)
    timed_posts(client, answer, payloads, n=5)
    post_times = timed_posts(client, answer, payloads, n=n)
    page_queries = count_queries(lambda: client.get(page))
    answer_queries = count_queries(
        lambda: client.post(answer, payloads[0], headers={"HX-Request": "true"})
    )
    # A one-product session per sheet: the page's queries with another number
    # of criteria (does the count grow per criterion?) and the queries of one
    # submission that computes a result.
    probes = []
    others = Sheet.objects.filter(superseded_by__isnull=True, code__startswith="148-")
    for probe_sheet in [sheet, *others.order_by("code")[:1]]:
        probe_tree = sheet_with_tree(probe_sheet.pk)
        probe = build_session(
            officer=officer,
            council=council,
            members=members,
            sheet=probe_sheet,
            products=products[:1],
            title=f"Phiên đếm truy vấn {probe_sheet.code}",
        )
        fill_all(
            probe,
            sheet_spec(probe_tree),
            {c.code: c.pk for c in probe_tree.criteria.all()},
            last_member=last,
        )
        probe_draft = Scoresheet.objects.get(item__session=probe, member=last)
        probes.append(
            (
                probe_sheet.code,
                len(probe_tree.criteria.all()),
                len(probe_tree.conditions.all()),
                count_queries(lambda d=probe_draft: client.get(f"/evaluation/scoresheets/{d.pk}/")),
                count_queries(
                    lambda d=probe_draft: scoring.submit_scoresheet(scoresheet=d, by=last.user)
                ),
            )
        )

    print(f"\n(3) {'request':<36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, times, queries in [
        ("scoring page GET", get_times, page_queries),
        ("autosave POST (htmx, one criterion)", post_times, answer_queries),
    ]:
        print(
            f"    {label:<36} {n:>4} {statistics.median(times):>8.1f} "
            f"{percentile(times, 95):>8.1f} {queries:>8}"
        )
    print(f"    {'queries, one-product session of sheet':<50} {'page GET':>9} {'submit':>7}")
    for code, criteria, conditions, get_q, submit_q in probes:
        label = f"{code} ({criteria} criteria, {conditions} conditions)"
        print(f"    {label:<50} {get_q:>9} {submit_q:>7}")

    # (1) The last member submits; each submission computes the product's result.
    sheets = list(
        Scoresheet.objects.filter(item__session=session, member=last)
        .select_related("item")
        .order_by("item__order")
    )
    start = time.perf_counter()
    for scoresheet in sheets:
        scoring.submit_scoresheet(scoresheet=scoresheet, by=last.user)
    compute_s = time.perf_counter() - start
    assert RoundResult.objects.filter(item__session=session).count() == count
    assert not Scoresheet.objects.filter(item__session=session, status=SheetStatus.DRAFT).exists()
    decided = session.items.filter(status=ItemStatus.DECIDED).count()
    flagged = session.items.filter(status=ItemStatus.FLAGGED).count()
    print(f"\n(1) the last member submits {count} sheets: {count} results computed")
    print(f"    total {compute_s:.2f} s, {compute_s / count * 1000:.1f} ms per product")
    print(f"    {decided} decided, {flagged} flagged (spread above {council.max_spread} points)")

    # (2) Documents, once the session is closed.
    if decided == count:
        sessions.set_session_state(
            session=session,
            action="close",
            by=members[0].user,  # the chair
            reason="Hội đồng thống nhất kết quả.",
        )
    session.refresh_from_db()
    start = time.perf_counter()
    pdf = documents.render_minutes(session=session)
    minutes_s = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    start = time.perf_counter()
    workbook = documents.results_workbook(session=session)
    workbook_s = time.perf_counter() - start
    print(f"\n(2) minutes PDF, {session.state} session: {minutes_s:.2f} s")
    print(f"    {pages} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"    results workbook XLSX: {workbook_s:.2f} s, {len(workbook) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
