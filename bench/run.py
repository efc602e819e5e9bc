"""Benchmarks: `make bench`. Prints server-side timings (Django test client,
in-process, so network and browser time are excluded) on a throw-away
database that holds the real administrative units and the demo data.

Figures are recorded in docs/benchmarks.md with the machine and command.
"""

import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ocop-bench-')}/bench.db"


def freeze_heap() -> None:
    """Move what is loaded so far out of the garbage collector's reach, as
    ``ocop/wsgi.py`` does in a server process after loading the application:
    otherwise a full collection of the whole heap (the benchmark's own data
    included) lands on one request in twenty or thirty (docs/benchmarks.md,
    "Tails")."""
    gc.collect()
    gc.freeze()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_requests(client, path: str, *, n: int, params=None) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, params or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def generate_registry(*, products: int, seed: int = 42) -> None:
    """Deterministic subjects and products spread over Thanh Hóa's communes."""
    import random

    from ocop.geo.models import AdminUnit
    from ocop.producers.enums import LegalForm
    from ocop.producers.models import Subject, subject_search_text
    from ocop.products.models import Product, ProductCategory, product_search_text

    rng = random.Random(seed)
    communes = list(
        AdminUnit.objects.filter(era="2025", level="commune", province__code="38")
        .select_related("parent")
        .order_by("code")
    )
    sets = list(ProductCategory.objects.filter(level="set", legal_basis="148/QĐ-TTg"))
    words = [
        "Nước mắm",
        "Mật ong",
        "Chè",
        "Gạo",
        "Nem chua",
        "Rượu",
        "Bánh gai",
        "Mực khô",
        "Cói",
        "Tinh dầu",
        "Cà phê",
        "Chả tôm",
        "Măng",
        "Miến",
        "Nước mắm cá cơm",
    ]
    forms = [LegalForm.COOPERATIVE, LegalForm.LLC_MULTI, LegalForm.HOUSEHOLD, LegalForm.JOINT_STOCK]
    subjects = []
    for i in range(max(1, products // 5)):
        commune = rng.choice(communes)
        name = (
            f"{rng.choice(['Hợp tác xã', 'Công ty TNHH', 'Hộ kinh doanh'])} Số {i} {commune.name}"
        )
        reg = f"29{i:08d}"
        subjects.append(
            Subject(
                name=name,
                legal_form=rng.choice(forms),
                registration_number=reg,
                commune=commune,
                province_id=commune.province_id,
                name_key=name.lower(),
                search_text=subject_search_text(
                    name=name, registration_number=reg, commune=commune
                ),
            )
        )
    Subject.objects.bulk_create(subjects, batch_size=2000)
    rows = []
    for i in range(products):
        subject = subjects[i % len(subjects)]
        commune = subject.commune
        name = f"{rng.choice(words)} {subject.name.split(' Số ')[0]} {i}"
        star = rng.choices([None, 3, 4, 5], weights=[20, 58, 20, 2])[0]
        category = rng.choice(sets)
        rows.append(
            Product(
                subject=subject,
                name=name,
                category=category,
                group_code=category.code.split(".")[0],
                commune=commune,
                province_id=commune.province_id,
                star=star,
                status="certified" if star else "none",
                search_text=product_search_text(
                    name=name, subject_name=subject.name, commune=commune
                ),
            )
        )
    Product.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    print(
        f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}"
    )
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_admin_units", verbosity=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    call_command("load_admin_units", verbosity=0)
    second = time.perf_counter() - start
    print(f"load_admin_units: first load {first:.1f} s, second (no change) {second:.1f} s")
    call_command("load_calendar", verbosity=0)
    call_command("load_product_categories", verbosity=0)
    call_command("load_demo", verbosity=0)

    from ocop.accounts.models import User

    anonymous, officer = Client(), Client()
    officer.force_login(User.objects.get(username="tinh.canbo"))
    cases = [
        ("home (anonymous)", anonymous, "/", None),
        ("login page", anonymous, "/accounts/login/", None),
        ("unit search 'hoang hoa'", anonymous, "/geo/units/search/", {"q": "hoang hoa"}),
        ("API unit search 'thanh hoa'", anonymous, "/api/v1/geo/units", {"q": "thanh hoa"}),
        ("officer dashboard", officer, "/dashboard/", None),
        ("officer subject list", officer, "/subjects/", None),
    ]
    products = int(os.environ.get("BENCH_PRODUCTS", "20000"))
    start = time.perf_counter()
    generate_registry(products=products)
    print(f"generated {products} products in {time.perf_counter() - start:.1f} s")
    cases += [
        (f"product list ({products})", officer, "/products/", None),
        ("product list, 4★ filter", officer, "/products/", {"star": 4}),
        ("product list, search 'nuoc mam'", officer, "/products/", {"q": "nuoc mam"}),
        ("product list, last page", officer, "/products/", {"page": products // 50}),
        ("subject list, search 'hop tac xa'", officer, "/subjects/", {"q": "hop tac xa"}),
    ]
    n = int(os.environ.get("BENCH_N", "200"))
    print(f"\n{'page':<32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for label, client, path, params in cases:
        timed_requests(client, path, n=5, params=params)  # warm-up
        times = timed_requests(client, path, n=n, params=params)
        print(f"{label:<32} {n:>5} {statistics.median(times):>8.1f} {percentile(times, 95):>8.1f}")


if __name__ == "__main__":
    main()
