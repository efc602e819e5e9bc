"""Benchmark of the Excel import: `python -m bench.bench_import`.

Generates a deterministic (seed 42) 10,000-row provincial list of Thanh Hóa
with pre-2025 addresses, then times, on a throw-away SQLite database that holds
the real administrative units (the set-up of bench/run.py):

(a) openpyxl in read-only mode iterating every row (the floor: reading cells);
(b) the import as a dry run, a real import, and a second import of the same
    file (which changes nothing);

and prints rows/s, the ratio import time / openpyxl time, and memory: the peak
of Python allocations (tracemalloc, in separate runs so that tracing does not
slow the timed ones) and the maximum resident set size of a fresh process
running only that step.

BENCH_ROWS (default 10000) changes the size of the list.
"""

import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ocop-bench-')}/bench.db"

HEADER = [
    "TT",
    "Tên sản phẩm",
    "Tên chủ thể",
    "Mã số thuế",
    "Địa chỉ",
    "Nhóm sản phẩm",
    "Hạng sao",
    "Số điểm",
    "Quyết định số",
    "Ngày quyết định",
    "Ghi chú",
]
PRODUCTS = [
    "Nước mắm",
    "Mắm tép",
    "Mật ong",
    "Chè xanh",
    "Gạo nếp cái hoa vàng",
    "Nem chua",
    "Rượu nếp",
    "Bánh gai",
    "Mực khô",
    "Chiếu cói",
    "Tinh dầu sả",
    "Chả tôm",
    "Măng khô",
    "Miến dong",
    "Bánh răng bừa",
    "Dầu lạc",
    "Bưởi Luận Văn",
    "Cam Vân Du",
]
FORMS = ["HTX Dịch vụ nông nghiệp", "Công ty TNHH", "Hộ kinh doanh", "Tổ hợp tác", "Cơ sở"]
SURNAMES = ["Nguyễn Văn", "Lê Thị", "Trần Văn", "Hoàng Thị", "Phạm Văn", "Đỗ Thị", "Vũ Văn"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hoa", "Hùng", "Lan", "Minh", "Nam", "Tâm", "Thủy"]
GROUPS = [
    "Thực phẩm",
    "Tương, nước mắm…",
    "I.3.d",
    "Mật ong, mật khác và nông sản thực phẩm khác",
    "Đồ uống",
    "Thủ công mỹ nghệ gia dụng, trang trí",
    "Gạo, ngũ cốc, hạt sơ chế khác",
    "Chè tươi, chế biến",
    "I.2.a",
]
STARS = ["3 sao", "4*", "3★", "Ba sao", 3, 4, "4 sao", "3 sao"]


def legacy_localities():
    """(commune, district) names of Thanh Hóa before 1 July 2025."""
    from ocop.geo.models import AdminUnit

    return list(
        AdminUnit.objects.filter(era="legacy", level="commune", province__code="38")
        .select_related("parent")
        .order_by("code")
        .values_list("full_name", "parent__full_name")
    )


def generate(path: Path, *, rows: int, seed: int = 42) -> None:
    """A provincial list: two title rows, a header, ``rows`` products of
    ~rows/5 subjects at pre-2025 addresses (a tenth given only by district)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    localities = legacy_localities()
    subjects = []
    for i in range(max(1, rows // 5)):
        commune, district = rng.choice(localities)
        if rng.random() < 0.1:
            address = district
        elif rng.random() < 0.5:
            address = f"Thôn {rng.randint(1, 12)}, {commune}, {district}"
        else:
            address = f"{commune}, {district}"
        place = commune.split(" ", 1)[1] if " " in commune else commune
        form = rng.choice(FORMS)
        if form == "Hộ kinh doanh":
            name = f"{form} {rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}"
        else:
            name = f"{form} {place} {i}"
        registration = f"28{i:08d}" if rng.random() < 0.5 else ""
        subjects.append((name, registration, address, place))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP TỈNH THANH HÓA GIAI ĐOẠN 2019-2025"])
    sheet.append([])
    sheet.append(HEADER)
    start = date(2019, 9, 1)
    for n in range(1, rows + 1):
        name, registration, address, place = subjects[(n - 1) % len(subjects)]
        decided = start + timedelta(days=rng.randint(0, 6 * 365))
        decided_cell = decided.strftime("%d/%m/%Y") if rng.random() < 0.5 else decided
        score = rng.randint(5000, 8999) / 100
        sheet.append(
            [
                n,
                f"{rng.choice(PRODUCTS)} {place} {n}",
                name,
                registration,
                address,
                rng.choice(GROUPS),
                rng.choice(STARS),
                f"{score:.2f}".replace(".", ","),
                f"{rng.randint(1, 60)}/QĐ-UBND",
                decided_cell,
                rng.choice(["", "", "Sản phẩm mới", "Đánh giá lại"]),
            ]
        )
    workbook.save(path)


def read_all(path: Path) -> int:
    """(a): what openpyxl alone costs, iterating every row in read-only mode."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    count = 0
    for row in workbook.active.iter_rows(values_only=True):
        count += any(v is not None for v in row)
    workbook.close()
    return count


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def traced_peak(function, *args, **kwargs) -> float:
    """Peak of Python allocations (MiB) while ``function`` runs."""
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def maxrss_mib() -> float:
    """Peak resident set size of this process. On Linux VmHWM, since
    ru_maxrss keeps the parent's peak across fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, path: str) -> None:
    """Run one step in a fresh process and print its memory: the set-up's
    resident size, then the peak."""
    import django

    django.setup()
    from ocop.geo.models import AdminUnit
    from ocop.registry.domain.service import run_import

    thanh_hoa = AdminUnit.objects.get(era="2025", level="province", code="38")
    base = maxrss_mib()
    if mode == "read":
        read_all(Path(path))
    else:
        run_import(Path(path), province=thanh_hoa, dry_run=True)
    print(f"{base:.1f} {maxrss_mib():.1f}")


def child_rss(mode: str, path: Path) -> tuple[float, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_import", "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    return float(output[-2]), float(output[-1])


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ocop.geo.models import AdminUnit
    from ocop.products.models import Product
    from ocop.registry.domain.service import run_import

    print(
        f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}"
    )
    call_command("migrate", verbosity=0)
    call_command("load_admin_units", verbosity=0)
    call_command("load_product_categories", verbosity=0)
    call_command("load_certification_rules", verbosity=0)
    thanh_hoa = AdminUnit.objects.get(era="2025", level="province", code="38")

    rows = int(os.environ.get("BENCH_ROWS", "10000"))
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-import-"))
    path = work / "ds-ocop-thanh-hoa.xlsx"
    seconds, _ = timed(generate, path, rows=rows)
    print(f"generated {rows} rows ({path.stat().st_size / 2**20:.1f} MiB) in {seconds:.1f} s")
    small = work / "ds-small.xlsx"
    generate(small, rows=rows // 4)

    read_all(path)  # warm the file cache
    read_s, count = timed(read_all, path)
    assert count >= rows

    dry_s, dry = timed(run_import, path, province=thanh_hoa, dry_run=True)
    real_s, real = timed(run_import, path, province=thanh_hoa, apply_valid=True)
    again_s, again = timed(run_import, path, province=thanh_hoa, apply_valid=True)
    assert real.applied
    assert Product.objects.count() == real.summary["products_created"]
    assert dry.summary["products_created"] == real.summary["products_created"]
    assert again.summary["products_created"] == again.summary["certificates_created"] == 0

    print(f"\n{'step':<42} {'s':>7} {'rows/s':>9} {'× read':>7}")
    for label, s in [
        ("(a) openpyxl read-only, all rows", read_s),
        ("(b) import, dry run", dry_s),
        ("(b) import, real (empty registry)", real_s),
        ("(b) import again (no change)", again_s),
    ]:
        print(f"{label:<42} {s:>7.2f} {rows / s:>9.0f} {s / read_s:>7.1f}")
    s = real.summary
    print(
        f"\nreal import: {s['rows_valid']} valid rows, {s['rows_rejected']} rejected, "
        f"{s['rows_duplicate']} repeated; subjects {s['subjects_created']} created; products "
        f"{s['products_created']} created; certificates {s['certificates_created']} created; "
        f"{s['warnings']} warnings"
    )
    a = again.summary
    print(
        f"import again: subjects {a['subjects_created']} created / {a['subjects_updated']} "
        f"updated; products {a['products_created']} created / {a['products_updated']} updated "
        f"/ {a['products_unchanged']} unchanged"
    )

    print("\nmemory (peak of Python allocations, tracemalloc):")
    print(f"  openpyxl read, {rows} rows:        {traced_peak(read_all, path):7.1f} MiB")
    for label, file, n in [("dry run", small, rows // 4), ("dry run", path, rows)]:
        peak = traced_peak(run_import, file, province=thanh_hoa, dry_run=True)
        print(f"  import {label}, {n:>5} rows:      {peak:7.1f} MiB")
    print("memory (maximum resident set size of a fresh process, after Django's set-up):")
    for label, mode, file, n in [
        ("openpyxl read", "read", path, rows),
        ("import dry run", "dry", small, rows // 4),
        ("import dry run", "dry", path, rows),
    ]:
        base, peak = child_rss(mode, file)
        print(f"  {label + ',':<16} {n:>5} rows: {peak:6.0f} MiB (+{peak - base:.0f} MiB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
