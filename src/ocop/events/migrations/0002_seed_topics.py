"""The topics provinces list for OCOP training and publicity (managed
afterwards by administrators on the topics page)."""

from django.db import migrations

TOPICS = [
    ("programme-news", "Những điểm mới của Chương trình OCOP", "What is new in the OCOP programme"),
    (
        "criteria-evaluation",
        "Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP",
        "The criteria and the evaluation and ranking process",
    ),
    (
        "decentralised-certification",
        "Phân cấp công nhận sản phẩm OCOP",
        "Decentralised certification",
    ),
    ("product-story", "Câu chuyện sản phẩm", "Product stories"),
    ("packaging-labels", "Bao bì, nhãn mác sản phẩm", "Packaging and labels"),
    ("markets", "Thị trường, xúc tiến thương mại", "Markets and trade promotion"),
    ("business-plan", "Xây dựng phương án, kế hoạch kinh doanh", "Business plans"),
    (
        "digital-transformation",
        "Chuyển đổi số, thương mại điện tử",
        "Digital transformation and e-commerce",
    ),
    (
        "registration-procedures",
        "Thủ tục đăng ký, hồ sơ tham gia OCOP",
        "Registration procedures and dossiers",
    ),
    ("traceability", "Truy xuất nguồn gốc, tem OCOP", "Traceability and OCOP stamps"),
    ("scoring-software", "Sử dụng phần mềm chấm điểm OCOP", "Using the OCOP scoring software"),
    (
        "food-safety",
        "An toàn thực phẩm, tiêu chuẩn chất lượng",
        "Food safety and quality standards",
    ),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("events", "Topic")
    for position, (code, name, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
