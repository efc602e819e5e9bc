"""What several browser tests share: Vietnamese page text, watching a page
for console errors, signing in with a demo account, a phone-sized context,
decoding QR codes from a screenshot and reading a PDF's text."""

import io
import re

from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}


def vi(text: str) -> str:
    """A page text as the (Vietnamese) pages show it, translated or not yet."""
    with translation.override("vi"):
        return translation.gettext(text)


def watch(page, errors: list[str]):
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill(username)
    page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))


def new_page(browser, contexts, errors, **context_args):
    """A page in a browser context of its own (another person), closed by ``contexts``."""
    context = browser.new_context(**context_args)
    contexts.append(context)
    return watch(context.new_page(), errors)


def decode_qr(png: bytes) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    image = Image.open(io.BytesIO(png))
    return [s.data.decode() for s in decode(image, symbols=[ZBarSymbol.QRCODE])]


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


AXE_JS = settings.BASE_DIR / "static" / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"viewport": {"width": 1366, "height": 800}, "locale": "vi-VN"}


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """The accessibility violations axe-core finds on the page as it stands,
    of the given impacts, one line each: rule, impact, help and the first
    offending elements. Injected with ``page.evaluate`` (the DevTools
    protocol is not bound by the page's CSP); vendored by
    ``manage.py vendor_assets`` from the npm package ``axe-core``."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: "
                    + (n.failureSummary || "").replace(/\\s+/g, " ")),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + " | ".join(v["nodes"])
        for v in found
        if v["impact"] in impacts
    ]
