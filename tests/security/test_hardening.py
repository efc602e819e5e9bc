"""Security hardening (issue 8, item 5): the deploy check, the CSP, rate
limits, uploads and downloads, error pages, and the append-only activity log.

The authorization matrix is in test_authorization_matrix.py; formula escaping
of the exports in test_exports.py."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from ocop.api.urls import api
from ocop.core.domain.activity import log_action
from ocop.core.models import ActivityLog
from ocop.core.uploads import check_upload
from ocop.portal.seo import producer_path, product_path
from ocop.producers.domain.documents import add_document
from ocop.producers.enums import DocumentType
from ocop.producers.models import EvidenceDocument
from ocop.stamps.models import Scan, Stamp
from tests.factories.accounts import UserFactory
from tests.verify.conftest import make_batch, make_certificate, make_stamp

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


# 1. manage.py check --deploy ------------------------------------------------------


def deploy_check(tmp_path, **extra) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` with the production settings, as .ci/run
    runs it, but without DEBUG at all: production must be safe by default."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DEBUG", "DATABASE_URL", "STATIC_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocop.settings.base",
        OCOP_REQUIRE_SECRET_KEY="1",
        SECRET_KEY="deploy-check-" + "k7Qx9vR2mZ4pL8sT1wY6nB3cF5hJ0dG" * 2,
        ALLOWED_HOSTS="ocop.example.vn",
        SITE_URL="https://ocop.example.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        OCOP_VAR_DIR=str(tmp_path),
        EMAIL_HOST="smtp.example.vn",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # The check would notice a weakened setting (so the test above can fail).
    weakened = deploy_check(tmp_path, SECURE_COOKIES="0")
    assert weakened.returncode != 0
    assert "security.W012" in weakened.stderr + weakened.stdout  # SESSION_COOKIE_SECURE


# 2. Content security policy ----------------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# A script needs the answer's nonce unless it is one of the site's own static
# files (STATIC_URL is always on the site: script-src 'self' allows it): so
# the verification page, scanned by every phone, makes no nonce at all. Only
# the static file itself, nothing else among its attributes but ``defer``.
OWN_SCRIPT = re.compile(r'src="/static/[\w./-]+\.js"(?: defer)?')
OWN_SCRIPT_TEMPLATE = re.compile(r'src="\{% static \'[\w./-]+\.js\' %\}"(?: defer)?')
JSON_LD_TYPE = 'type="application/ld+json"'
# The only data block a template may hold: the portal's escaped JSON-LD.
JSON_LD_BODY = "{{ json_ld }}"


def assert_strict_csp(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["script-src"].split(" ")[0] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"])
    html = response.content.decode()
    for attributes, body in SCRIPT.findall(html):
        if OWN_SCRIPT.fullmatch(attributes.strip()):
            # The site's own static file, allowed by 'self' (the verification
            # page makes no nonce: OWN_SCRIPT).
            assert body == "", attributes
            continue
        assert nonce is not None
        assert f'nonce="{nonce.group(1)}"' in attributes, attributes
        if JSON_LD_TYPE in attributes:
            # A data block (schema.org JSON-LD) is never executed; it must be
            # pure JSON with nothing that could close the element.
            json.loads(body)
            assert "<" not in body, attributes
            continue
        assert "src=" in attributes, attributes
        assert body.strip() == "", attributes
    assert HANDLER.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []
    assert STYLE_ELEMENT.findall(html) == []
    assert "javascript:" not in html.lower()


@pytest.fixture
def stamp(product_x, producer_x):
    make_certificate(product_x)
    return make_stamp(make_batch(product_x, by=producer_x))


def test_pages_have_a_strict_csp_and_no_inline_script_or_style(
    client, province_officer, subject_x, product_x, stamp
):
    product_x.status, product_x.star = "certified", 4  # on the public catalogue
    product_x.save()
    public = [
        reverse("site:home"),
        reverse("accounts:login"),
        reverse("verify:stamp", args=[stamp.token]),
        reverse("events:calendar"),
        reverse("complaints:report"),
        reverse("portal:catalogue"),
        product_path(product_x),  # with its JSON-LD data block
        producer_path(subject_x),
        reverse("verify:serial") + "?serial=12",  # the form, with its message
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
    client.force_login(province_officer)
    internal = [
        reverse("site:dashboard"),
        reverse("producers:list"),
        reverse("products:list"),
        reverse("producers:detail", args=[subject_x.pk]),
        reverse("producers:create"),  # a form
        reverse("products:edit", args=[product_x.pk]),
        reverse("events:list"),
        "/khong-co-trang-nay/",  # the 404 page
    ]
    for url in internal:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_strict_csp(response)


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for path in sorted(SRC.rglob("*.html")):
        text = path.read_text()
        relative = path.relative_to(SRC)
        # PDF templates are rendered by WeasyPrint, never by a browser.
        is_pdf = "pdf" in relative.parts
        for pattern in (HANDLER, STYLE_ATTRIBUTE):
            found += [(str(relative), m) for m in pattern.findall(text)]
        if "javascript:" in text.lower():
            found.append((str(relative), "javascript:"))
        if not is_pdf and STYLE_ELEMENT.search(text):
            found.append((str(relative), "<style>"))
        for attributes, body in SCRIPT.findall(text):
            if JSON_LD_TYPE in attributes and body == JSON_LD_BODY:
                body = ""
            if OWN_SCRIPT_TEMPLATE.fullmatch(attributes.strip()) and body == "":
                continue  # the site's own static file: allowed by 'self'
            if body.strip() or 'nonce="{{ csp_nonce }}"' not in attributes:
                found.append((str(relative), f"<script{attributes}>"))
    assert found == []


# 3. Rate limits -----------------------------------------------------------------------


def test_verification_page_is_rate_limited_per_client(client, stamp, settings):
    settings.OCOP_VERIFY_RATE_LIMIT = 3
    url = reverse("verify:stamp", args=[stamp.token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert 'id="too-many"' in html
    assert_strict_csp(response)
    # The refused request logged no scan.
    stamp.refresh_from_db()
    assert (stamp.scan_count, Scan.objects.filter(stamp=stamp).count()) == (3, 3)
    # Another browser on the same client is the same client (it cannot reset
    # its limit by changing its User-Agent)…
    assert Client(HTTP_USER_AGENT="another browser").get(url).status_code == 429
    # …another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.20").get(url).status_code == 200


def test_verification_rate_limit_can_be_turned_off(client, stamp, settings):
    settings.OCOP_VERIFY_RATE_LIMIT = 0
    url = reverse("verify:stamp", args=[stamp.token])
    assert {client.get(url).status_code for _ in range(5)} == {200}
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 5


def login(client, username, password, *, path="/accounts/login/", ip="10.0.0.1"):
    return client.post(
        path, {"username": username, "password": password}, HTTP_X_REAL_IP=ip, REMOTE_ADDR=ip
    )


def test_login_lockout_per_address_uses_the_proxy_header(client, settings):
    """Behind nginx every request comes from 127.0.0.1: the per-address limit
    must count the client's own address (OCOP_CLIENT_IP_HEADER), or twenty
    typos anywhere would lock everyone out."""
    settings.OCOP_LOGIN_MAX_FAILURES = 1  # 4 failures per address
    settings.OCOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    UserFactory(username="canbo.tinh")
    for n in range(4):
        client.post(
            "/accounts/login/",
            {"username": f"khong-co-{n}", "password": "sai"},
            HTTP_X_REAL_IP="203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        )
    locked = Client().post(
        "/accounts/login/",
        {"username": "canbo.tinh", "password": "matkhau-123"},
        HTTP_X_REAL_IP="203.0.113.7",
        REMOTE_ADDR="127.0.0.1",
    )
    assert locked.status_code == 200  # refused: the address is locked
    elsewhere = Client().post(
        "/accounts/login/",
        {"username": "canbo.tinh", "password": "matkhau-123"},
        HTTP_X_REAL_IP="198.51.100.20",
        REMOTE_ADDR="127.0.0.1",
    )
    assert elsewhere.status_code == 302


def test_the_django_admin_login_is_throttled_too(client, settings):
    settings.OCOP_LOGIN_MAX_FAILURES = 2
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    for _ in range(2):
        response = client.post("/django-admin/login/", {"username": "quantri", "password": "sai"})
        assert response.status_code == 200
    response = client.post(
        "/django-admin/login/", {"username": "quantri", "password": "matkhau-123"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()  # "… paused for 15 minutes"


def test_the_django_admin_login_still_admits_staff_only(client):
    UserFactory(username="quantri", is_staff=True)
    UserFactory(username="nguoidung", is_staff=False)
    response = client.post(
        "/django-admin/login/", {"username": "nguoidung", "password": "matkhau-123"}
    )
    assert (response.status_code, "_auth_user_id" in client.session) == (200, False)
    response = client.post(
        "/django-admin/login/", {"username": "quantri", "password": "matkhau-123"}
    )
    assert response.status_code == 302


# Complaints ("report a suspected fake") are limited per client and hour:
# tests/verify/test_complaints.py::test_sixth_report_within_the_hour_gets_429_with_a_clear_message


# 4. Uploads and downloads -----------------------------------------------------------------

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("logo.svg", SVG, "type_not_allowed"),
        ("trang.html", HTML, "type_not_allowed"),
        ("giay-phep.pdf", HTML, "content_mismatch"),  # HTML renamed to .pdf
        ("anh.png", SVG, "content_mismatch"),
        ("giay-phep.pdf", b"%PDF-1.4 " + b"x" * 300, "too_large"),
    ],
)
def test_active_content_and_large_files_are_refused_at_upload(
    producer_x, subject_x, settings, name, content, code
):
    settings.OCOP_UPLOAD_MAX_BYTES = 200
    with pytest.raises(ValidationError) as error:
        add_document(
            by=producer_x,
            subject=subject_x,
            doc_type=DocumentType.OTHER,
            upload=SimpleUploadedFile(name, content),
        )
    assert error.value.error_list[0].code == code
    assert EvidenceDocument.objects.count() == 0


def test_request_size_settings_are_sane():
    assert django_settings.OCOP_UPLOAD_MAX_BYTES <= 50 * 1024 * 1024
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4 ok")).key == "pdf"


@pytest.mark.parametrize("inline", ["", "1"])
def test_a_stored_html_file_is_never_served_as_html(client, producer_x, subject_x, inline):
    """A file that got into storage with an HTML name and type (an old import,
    a restored backup) goes out as an opaque attachment that runs nothing."""
    document = EvidenceDocument(
        subject=subject_x,
        doc_type=DocumentType.OTHER,
        original_name="trang.html",
        content_type="text/html",
        uploaded_by=producer_x,
    )
    document.file.save("upload", ContentFile(HTML), save=False)
    document.save()
    client.force_login(producer_x)
    url = reverse("producers:document_download", args=[document.pk])
    response = client.get(url, {"view": inline} if inline else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response.close()


def test_only_our_images_and_pdfs_are_shown_inline(client, producer_x, subject_x):
    document = add_document(
        by=producer_x,
        subject=subject_x,
        doc_type=DocumentType.OTHER,
        upload=SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.4 ok"),
    )
    client.force_login(producer_x)
    response = client.get(reverse("producers:document_download", args=[document.pk]), {"view": 1})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response.close()


def test_files_are_served_only_through_core_downloads():
    """No view serves files by another way (FileResponse, django.views.static,
    MEDIA_URL routes): everything goes through ocop.core.downloads."""
    offenders = []
    for path in sorted((SRC / "ocop").rglob("*.py")):
        relative = str(path.relative_to(SRC))
        if relative == "ocop/core/downloads.py" or "/settings/" in relative:
            continue
        text = path.read_text()
        for needle in ("FileResponse", "django.views.static", "MEDIA_URL", "MEDIA_ROOT"):
            if needle in text and not (
                needle == "MEDIA_ROOT" and relative == "ocop/core/backup.py"
            ):
                offenders.append((relative, needle))
    assert offenders == []


# 6. No stack traces or internal details ------------------------------------------------


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "template"),
    [
        ("/boom/", 500, "500.html"),
        ("/boom/suspicious/", 400, "400.html"),
        ("/boom/denied/", 403, "403.html"),
        ("/boom/missing/", 404, "404.html"),
    ],
)
def test_errors_render_our_pages_without_a_trace(client, province_officer, path, status, template):
    client.raise_request_exception = False
    client.force_login(province_officer)
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert "Traceback" not in html
    assert "secret-detail-42" not in html
    assert "error_urls.py" not in html
    if status == 500:
        assert "Lỗi hệ thống (500)" in html
    else:
        assert template in [t.name for t in response.templates]


def test_debug_is_off_in_the_test_run_as_in_production():
    assert django_settings.DEBUG is False


def test_api_errors_are_json_without_a_trace():
    request = RequestFactory().get("/api/v1/geo/units")
    response = api.on_exception(request, RuntimeError("secret-detail-42"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {
        "status": 500,
        "code": "server_error",
        "detail": "Internal server error",
        "errors": [],
    }
    assert b"secret-detail-42" not in response.content


def test_api_validation_error_is_json(client):
    response = client.get("/api/v1/geo/units")  # q is required
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert "Traceback" not in response.content.decode()


# 7. The activity log is append-only ------------------------------------------------------


@pytest.fixture
def entry(province_officer):
    return log_action(action="ocop.test.logged", by=province_officer, data={"a": 1})


def test_log_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.action = "ocop.test.changed"
    attempts = [
        ("cannot be changed", entry.save),
        ("cannot be deleted", entry.delete),
        ("cannot be changed", lambda: ActivityLog.objects.filter(pk=entry.pk).update(action="x")),
        ("cannot be deleted", lambda: ActivityLog.objects.filter(pk=entry.pk).delete()),
        ("cannot be deleted", lambda: ActivityLog.objects.all().delete()),
        ("cannot be changed", lambda: ActivityLog.objects.bulk_update([entry], ["action"])),
    ]
    for message, attempt in attempts:
        with pytest.raises(ValueError, match=message), transaction.atomic():
            attempt()
    assert list(ActivityLog.objects.values_list("pk", "action")) == [(entry.pk, "ocop.test.logged")]


def test_admin_shows_the_log_read_only_even_to_superusers(client, entry):
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    model_admin = admin.site._registry[ActivityLog]
    request = RequestFactory().get("/")
    request.user = superuser
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, entry),
        model_admin.has_delete_permission(request, entry),
    ) == (False, False, False)
    base = "/django-admin/core/activitylog/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.get(f"{base}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"action": "x"}).status_code == 403
    response = client.post(
        base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert ActivityLog.objects.filter(pk=entry.pk, action="ocop.test.logged").exists()


def test_the_api_has_no_way_to_write_the_log():
    schema = api.get_openapi_schema()
    operations = [(path, method) for path, ops in schema["paths"].items() for method in ops]
    # (the events' "activities" are training classes, not the activity log)
    assert [
        path for path, _method in operations if re.search(r"activity-?log|/logs?\b", path)
    ] == []
    # Writes exist only for a personal API token that may write (api/auth.py).
    writes = [
        (path, method, ops[method].get("security"))
        for path, ops in schema["paths"].items()
        for method in ops
        if method not in ("get", "head")
    ]
    assert all(security == [{"TokenAuth": []}] for _p, _m, security in writes), writes
