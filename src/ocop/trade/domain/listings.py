"""A product's online listings: added and removed by the people who edit the
product; a periodic check (``check_due_listings``, run by a task the
periodic job enqueues) opens each link with a real HTTP request and marks the
ones that keep failing as broken."""

import ipaddress
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocop.accounts.models import RoleAssignment
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify

from .. import rules
from ..enums import PLATFORM_HOSTS, LinkState, Platform
from ..models import Listing

URL_MAX = 500
# Answers that show the page is there even though it refuses robots.
ALIVE_STATUSES = frozenset({401, 403, 405, 429})


def _check_url_text(url: str, platform: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": [_("Give the address of the listing.")]})
    if len(url) > URL_MAX:
        raise ValidationError({"url": [_("The address is too long (at most 500 characters).")]})
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            {"url": [_("Give a web address starting with https:// (or http://).")]}
        )
    hosts = PLATFORM_HOSTS.get(platform, ())
    host = parts.hostname.lower()
    if hosts and not any(host == h or host.endswith(f".{h}") for h in hosts):
        raise ValidationError(
            {
                "url": [
                    _("A %(platform)s listing's address is on %(hosts)s.")
                    % {"platform": Platform(platform).label, "hosts": ", ".join(hosts)}
                ]
            }
        )
    return url


def listing_data(listing: Listing) -> dict:
    return {
        "product": listing.product_id,
        "platform": listing.platform,
        "url": listing.url,
        "since": listing.since.isoformat(),
    }


@transaction.atomic
def add_listing(*, by, product, platform: str, url: str, since) -> Listing:
    if not rules.can_edit_trade(by, product):
        raise PermissionDenied(_("You may only add listings of products you edit."))
    errors = {}
    if platform not in Platform.values:
        errors["platform"] = [_("Choose the platform.")]
    if since is None:
        errors["since"] = [_("Give the date it was listed.")]
    elif since > timezone.localdate():
        errors["since"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    url = _check_url_text(url, platform)
    if Listing.objects.filter(product=product, url=url).exists():
        raise ValidationError({"url": [_("This address is already listed for the product.")]})
    try:
        with transaction.atomic():
            listing = Listing.objects.create(
                product=product, platform=platform, url=url, since=since, created_by=by
            )
    except IntegrityError:
        raise ValidationError(
            {"url": [_("This address is already listed for the product.")]}
        ) from None
    log_action(
        action="ocop.listing.added",
        by=by,
        obj=listing,
        unit=product.commune,
        data=listing_data(listing),
    )
    return listing


@transaction.atomic
def remove_listing(*, listing: Listing, by) -> None:
    listing = Listing.objects.select_related("product__subject__commune").get(pk=listing.pk)
    if not rules.can_edit_trade(by, listing.product):
        raise PermissionDenied(_("You may only remove listings of products you edit."))
    log_action(
        action="ocop.listing.removed",
        by=by,
        obj=listing,
        unit=listing.product.commune,
        data={"id": listing.pk, **listing_data(listing)},
    )
    listing.delete()


# The link check ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect answers the check (the page moved, it exists): never follow
    it, so a listing cannot send the checker to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _private_host(host: str) -> bool:
    """Whether ``host`` resolves to an address that is not on the public
    internet (the check must not probe the server's own network)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False  # the request itself will fail and say so
    return any(not ipaddress.ip_address(info[4][0]).is_global for info in infos)


def check_url(url: str, *, timeout: float | None = None) -> CheckResult:
    """Open ``url`` (HEAD, then GET when HEAD is not allowed) with a short
    timeout; the result says whether the page answered."""
    timeout = settings.OCOP_LINK_CHECK_TIMEOUT if timeout is None else timeout
    host = urlsplit(url).hostname or ""
    if not settings.OCOP_LINK_CHECK_ALLOW_PRIVATE and _private_host(host):
        return CheckResult(False, "private address")
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {"User-Agent": f"OCOP-Platform-LinkCheck/1.0 (+{settings.SITE_URL})"}
    status = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 -- http(s) only, checked when added
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return CheckResult(False, f"{type(error).__name__}: {reason}"[:200])
        if method == "HEAD" and status in (405, 501):
            continue
        break
    if status < 400 or status in ALIVE_STATUSES:
        return CheckResult(True, f"HTTP {status}")
    return CheckResult(False, f"HTTP {status}")


def due_listings(*, now=None):
    now = now or timezone.now()
    since = now - timedelta(days=settings.OCOP_LINK_CHECK_EVERY_DAYS)
    return Listing.objects.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=since)).order_by(
        "checked_at", "pk"
    )[: settings.OCOP_LINK_CHECK_BATCH]


def check_due_listings(*, now=None) -> dict:
    """Check the listings not checked for ``OCOP_LINK_CHECK_EVERY_DAYS``
    (``OCOP_LINK_CHECK_BATCH`` at a time, a few requests in parallel, no
    transaction held while waiting for the network); a link failing
    ``OCOP_LINK_DEAD_AFTER`` checks in a row is marked broken and the
    product's producers are told. Returns counts by outcome."""
    now = now or timezone.now()
    rows = list(due_listings(now=now).values_list("pk", "url"))
    with ThreadPoolExecutor(max_workers=settings.OCOP_LINK_CHECK_WORKERS) as pool:
        results = list(pool.map(lambda row: check_url(row[1]), rows))
    counts = {"checked": 0, "live": 0, "failed": 0, "dead": 0}
    for (pk, _url), result in zip(rows, results, strict=True):
        state = record_check(listing_id=pk, result=result, now=now)
        counts["checked"] += 1
        if result.ok:
            counts["live"] += 1
        else:
            counts["failed"] += 1
        if state == LinkState.DEAD:
            counts["dead"] += 1
    return counts


@transaction.atomic
def record_check(*, listing_id: int, result: CheckResult, now) -> str | None:
    """Store one check's result; returns the listing's link state (None when
    the listing was removed meanwhile)."""
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("product__commune")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        return None
    before = listing.link_state
    listing.checked_at = now
    listing.check_result = result.detail[:200]
    if result.ok:
        listing.failures = 0
        listing.link_state = LinkState.LIVE
    else:
        listing.failures = min(listing.failures + 1, 1000)
        if listing.failures >= settings.OCOP_LINK_DEAD_AFTER:
            listing.link_state = LinkState.DEAD
    listing.save(update_fields=["checked_at", "check_result", "failures", "link_state"])
    if listing.link_state != before and LinkState.DEAD in (before, listing.link_state):
        dead = listing.link_state == LinkState.DEAD
        log_action(
            action="ocop.listing.dead" if dead else "ocop.listing.revived",
            obj=listing,
            unit=listing.product.commune,
            data={"url": listing.url, "result": listing.check_result},
        )
        if dead:
            _tell_producers(listing)
    return listing.link_state


def _tell_producers(listing: Listing) -> None:
    rows = RoleAssignment.objects.active().filter(
        role__in=rules.SUBJECT_SIDE, subject_id=listing.product.subject_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("The %(platform)s listing of “%(product)s” no longer opens: %(url)s") % {
            "platform": listing.get_platform_display(),
            "product": listing.product.name,
            "url": listing.url,
        }
    notify(
        users=[row.user for row in rows.select_related("user").order_by("pk")],
        text=text,
        url=reverse("trade:product", args=[listing.product_id]),
    )
