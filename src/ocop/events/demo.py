"""Demo data (``manage.py load_demo``): training, publicity and support in
Thanh Hóa — held, open, planned and cancelled activities with participants,
materials distributed and support to subjects.

Everything goes through ``ocop.events.domain`` (so the activity log is real)
and is created only if missing: an activity by its title (with its
participants, check-ins, head counts and state), a distribution by its kind
and note, a support record by its subject, kind and note. Dates are taken
relative to ``ctx.today`` of the first run. Reads ``ctx.province``,
``ctx.communes`` and ``ctx.subjects``."""

from datetime import date, time, timedelta
from decimal import Decimal

from ocop.accounts.models import User
from ocop.events.domain import activities, head_counts, registrations, support
from ocop.events.enums import CheckInMethod, RegistrationChannel
from ocop.events.models import Activity, MaterialDistribution, Support, Topic
from ocop.products.models import Product

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


def load(*, ctx) -> None:
    """Activities with their participants, materials distributed and support
    to subjects (see EVENTS, DISTRIBUTIONS, SUPPORTS)."""
    province, communes, subjects, today = ctx.province, ctx.communes, ctx.subjects, ctx.today
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
                "start_time": spec.get("start_time", time(8, 0)),
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
