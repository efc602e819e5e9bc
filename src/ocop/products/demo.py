"""Demo data (``manage.py load_demo``): the demo subjects' products, some
shown as certified (the certification demo issues their decisions), with the
description, story, raw-material origin and a photo that the public pages
show. Reads ``ctx.subjects``; sets ``ctx.products`` (by name)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError

from ocop.accounts.models import User
from ocop.products.domain.products import add_product_image
from ocop.products.enums import OcopStatus
from ocop.products.models import Product, ProductCategory

PRODUCTS = [
    # (subject registration number, name, product set, status, star)
    ("2801234567", "Nước mắm cá cơm Đồng Tâm", "I.4.a", OcopStatus.CERTIFIED, 3),
    ("2801234567", "Mắm tép Đồng Tâm", "I.4.a", OcopStatus.NONE, None),
    ("2801234567", "Mật ong hoa nhãn Đồng Tâm", "I.2.b", OcopStatus.CERTIFIED, 4),
    ("2809876543", "Mực khô Hậu Lộc", "I.3.d", OcopStatus.CERTIFIED, 4),
    ("2805550001", "Nem chua Thanh Hóa Cô Hoa", "I.3.d", OcopStatus.CERTIFIED, 3),
    ("2805550002", "Chả tôm Sầm Sơn", "I.3.d", OcopStatus.IN_EVALUATION, None),
]
# What the public product pages show (fictional), and the photo's colours.
DETAILS = {
    "Nước mắm cá cơm Đồng Tâm": (
        "Nước mắm nhĩ ủ chượp 12 tháng trong thùng gỗ, độ đạm 30°N, không chất bảo quản.",
        "Nghề làm mắm ở Hoằng Hóa có từ hơn trăm năm; hợp tác xã giữ cách ủ chượp truyền thống "
        "của các gia đình trong làng.",
        "Cá cơm than đánh bắt ở vùng biển Hoằng Hóa – Sầm Sơn, muối hạt Diêm Phố.",
        ((120, 60, 20), (230, 170, 80)),
    ),
    "Mật ong hoa nhãn Đồng Tâm": (
        "Mật ong nguyên chất từ hoa nhãn, màu vàng óng, vị ngọt thanh, hương nhãn đặc trưng. "
        "Chai thủy tinh 500 ml.",
        "Các hộ nuôi ong của hợp tác xã đặt đàn dưới những vườn nhãn ven sông Mã mỗi mùa hoa "
        "tháng Ba – tháng Tư.",
        "Mật ong từ các đàn ong nội của 25 hộ thành viên tại xã Hoằng Hóa, Thanh Hóa.",
        ((200, 120, 0), (255, 214, 90)),
    ),
    "Mực khô Hậu Lộc": (
        "Mực ống câu phơi nắng tự nhiên, thịt dày, ngọt, đóng gói hút chân không 250 g và 500 g.",
        "Ngư dân Hậu Lộc câu mực đêm bằng đèn; mực được làm sạch và phơi ngay trong ngày.",
        "Mực ống câu ở vùng biển Hậu Lộc, Thanh Hóa.",
        ((40, 70, 120), (230, 220, 200)),
    ),
    "Nem chua Thanh Hóa Cô Hoa": (
        "Nem chua gói lá chuối theo công thức gia truyền, lên men tự nhiên 3 ngày.",
        "Cô Hoa làm nem từ năm 1995 ở phường Hạc Thành; món nem chua đã thành quà của xứ Thanh.",
        "Thịt lợn nạc và bì lợn từ các trang trại đạt VietGAP trong tỉnh, lá chuối, lá đinh lăng.",
        ((30, 110, 50), (230, 120, 120)),
    ),
}
IMAGE_BY = "tinh.canbo"


def load(*, ctx) -> None:
    categories = {c.code: c for c in ProductCategory.objects.all()}
    if not categories:
        raise CommandError("Run `manage.py load_product_categories` first.")
    officer = User.objects.filter(username=IMAGE_BY).first()
    products = {}
    for reg, name, product_set, status, star in PRODUCTS:
        subject = ctx.subjects[reg]
        product, _ = Product.objects.get_or_create(
            subject=subject,
            name=name,
            defaults={
                "category": categories[product_set],
                "status": status,
                "star": star,
                "commune": subject.commune,
            },
        )
        if name in DETAILS:
            _details(product, DETAILS[name], by=officer)
        products[name] = product
    ctx.products = products


def _details(product: Product, details, *, by) -> None:
    description, story, origin, colours = details
    if not product.description:
        product.description, product.story, product.raw_material_origin = (
            description,
            story,
            origin,
        )
        product.save(update_fields=["description", "story", "raw_material_origin"])
    if by is not None and not product.images.exists():
        upload = SimpleUploadedFile("anh.png", _photo(*colours), content_type="image/png")
        add_product_image(by=by, product=product, upload=upload, caption=product.name)


def _photo(dark, light) -> bytes:
    """A simple packshot: a jar on a soft background (no text, no network)."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 -- slow import

    size = 600
    image = Image.new("RGB", (size, size), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        shade = int(20 * y / size)
        draw.line([(0, y), (size, y)], fill=(246 - shade, 244 - shade, 238 - shade))
    draw.ellipse([120, 470, 480, 540], fill=(215, 210, 200))
    draw.rounded_rectangle([170, 170, 430, 510], radius=40, fill=dark)
    draw.rounded_rectangle([200, 120, 400, 180], radius=12, fill=(60, 60, 60))
    draw.rounded_rectangle([190, 270, 410, 410], radius=12, fill=light)
    draw.ellipse([255, 295, 345, 385], fill=(11, 107, 58))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
