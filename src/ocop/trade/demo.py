"""Demo data (``manage.py load_demo``): trade promotion in Thanh Hóa — three
points of sale carrying the certified products, online listings, export
markets and one buyer's inquiry.

Everything goes through ``ocop.trade.domain`` (so the activity log and the
inbox are real) and is created only if missing: a point by its name, a
listing by its product and address, an export market by product, country and
year, the inquiry by its sender. Dates are relative to ``ctx.today``. Reads
``ctx.communes``, ``ctx.products`` and ``ctx.subjects``."""

from datetime import timedelta
from decimal import Decimal

from ocop.accounts.models import User

from .domain import exports, inquiries, listings, points
from .models import ExportMarket, Inquiry, Listing, PointOfSale

POINTS_OFFICER = "tinh.canbo"
PRODUCER = "sx.dongtam"
FISH_SAUCE = "Nước mắm cá cơm Đồng Tâm"
DRIED_SQUID = "Mực khô Hậu Lộc"
NEM_CHUA = "Nem chua Thanh Hóa Cô Hoa"
HONEY = "Mật ong hoa nhãn Đồng Tâm"
POINTS = [
    {
        "name": "Trung tâm giới thiệu và bán sản phẩm OCOP tỉnh Thanh Hóa",
        "kind": "trade_centre",
        "commune": "Hạc Thành",
        "address": "Số 1 Đại lộ Lê Lợi",
        "latitude": Decimal("19.807200"),
        "longitude": Decimal("105.776400"),
        "opening_hours": "7:30–21:00 hằng ngày",
        "operator": "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh (dữ liệu demo)",
        "phone": "0237 3850 000",
        "years_open": 3,
        "products": [FISH_SAUCE, DRIED_SQUID, NEM_CHUA, HONEY],
    },
    {
        "name": "Điểm bán sản phẩm OCOP Sầm Sơn",
        "kind": "shop",
        "commune": "Sầm Sơn",
        "address": "Đường Hồ Xuân Hương",
        "latitude": Decimal("19.735000"),
        "longitude": Decimal("105.903000"),
        "opening_hours": "8:00–22:00 (mùa hè), 8:00–18:00 (mùa đông)",
        "operator": "Hộ kinh doanh Lê Thị Hạnh (dữ liệu demo)",
        "phone": "0912 000 111",
        "years_open": 1,
        "products": [FISH_SAUCE, NEM_CHUA, HONEY],
    },
    {
        "name": "Điểm giới thiệu sản phẩm OCOP xã Hoằng Hóa",
        "kind": "showroom",
        "commune": "Hoằng Hóa",
        "address": "Trụ sở UBND xã",
        "latitude": None,
        "longitude": None,
        "opening_hours": "Giờ hành chính",
        "operator": "UBND xã Hoằng Hóa (dữ liệu demo)",
        "phone": "",
        "years_open": 2,
        "products": [FISH_SAUCE, HONEY],
    },
]
LISTINGS = [
    (FISH_SAUCE, "postmart", "https://postmart.vn/nuoc-mam-ca-com-dong-tam-demo", 400),
    (FISH_SAUCE, "shopee", "https://shopee.vn/nuoc-mam-ca-com-dong-tam-demo", 200),
    (DRIED_SQUID, "voso", "https://voso.vn/muc-kho-hau-loc-demo", 300),
    (HONEY, "postmart", "https://postmart.vn/mat-ong-hoa-nhan-dong-tam-demo", 20),
]
EXPORTS = [
    # (product, country, years before this one)
    (FISH_SAUCE, "JP", 1),
    (FISH_SAUCE, "KR", 0),
    (DRIED_SQUID, "CN", 1),
    (HONEY, "JP", 0),
]
INQUIRY = {
    "name": "Trần Thu Hà",
    "organisation": "Công ty TNHH Thực phẩm Sạch Hà Nội (dữ liệu demo)",
    "contact": "0988 123 456",
    "quantity": "300 chai mỗi tháng",
    "message": "Công ty chúng tôi muốn nhập nước mắm cá cơm cho chuỗi cửa hàng thực phẩm "
    "sạch tại Hà Nội; xin báo giá sỉ và điều kiện giao hàng.",
}


def load(*, ctx) -> None:
    officer = User.objects.get(username=POINTS_OFFICER)
    producer = User.objects.get(username=PRODUCER)
    products = ctx.products
    for spec in POINTS:
        if PointOfSale.objects.filter(name=spec["name"]).exists():
            continue
        values = {k: v for k, v in spec.items() if k not in ("years_open", "products", "commune")}
        points.create_point(
            by=officer,
            commune=ctx.communes[spec["commune"]],
            since=ctx.today - timedelta(days=365 * spec["years_open"]),
            until=None,
            email="",
            website="",
            products=[products[name] for name in spec["products"]],
            **values,
        )
    for name, platform, url, days in LISTINGS:
        product = products[name]
        if not Listing.objects.filter(product=product, url=url).exists():
            listings.add_listing(
                by=officer if product.subject.registration_number != "2801234567" else producer,
                product=product,
                platform=platform,
                url=url,
                since=ctx.today - timedelta(days=days),
            )
    for name, code, years_before in EXPORTS:
        product, year = products[name], ctx.today.year - years_before
        if not ExportMarket.objects.filter(product=product, country=code, year=year).exists():
            exports.add_export_market(by=officer, product=product, country_code=code, year=year)
    if not Inquiry.objects.filter(name=INQUIRY["name"]).exists():
        product = products[FISH_SAUCE]
        inquiries.file_inquiry(subject=product.subject, product=product, **INQUIRY)
