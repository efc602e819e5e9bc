"""One result per submission: protection of create and request forms against
double submits (a double click, a resent form, two tabs).

``@once(window=...)`` on a view keys each POST on who sent it (the account,
else the client's address), the path and the body (the CSRF token left out,
uploaded files by name, size and content hash). The first post of a key runs
the view; an identical post within the window does not run it again:

* when the first has finished with a redirect (success), the second is sent to
  the same place, with a message saying the form had already been sent;
* while the first is still running, the second waits for it (a few seconds),
  then follows it; if it is still running after that, the person gets the
  "busy, try again" page (HTTP 503), never a duplicate;
* a first post that did not succeed (the form re-rendered with errors, a
  redirect with an error message, or an exception) leaves nothing behind, so
  the same or a corrected form goes through.

Keys are kept in ``SubmittedForm`` (the database: shared by every web
process) and pruned by ``run_periodic``."""

import functools
import hashlib
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.clients import client_address
from ocop.core.models import SubmittedForm

WAIT_SECONDS = 8.0
POLL_SECONDS = 0.2
IGNORED_FIELDS = {"csrfmiddlewaretoken"}


def submission_key(request) -> str:
    """The hash of who sent what to where."""
    digest = hashlib.sha256()
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "client:"
    if not who.startswith("user"):
        who += client_address(request)
    digest.update(f"{who}\n{request.path}\n".encode())
    for name in sorted(request.POST):
        if name in IGNORED_FIELDS:
            continue
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}\n".encode("utf-8", "replace"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"file:{name}:{upload.name}:{upload.size}\n".encode("utf-8", "replace"))
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _claim(key: str, window: timedelta, *, attempts: int = 3) -> SubmittedForm | None:
    """Claim ``key`` for this request: None when claimed, else the row of the
    earlier identical submission still inside the window. A row left from an
    older submission is dropped and the claim tried again (a few times)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            SubmittedForm.objects.create(key=key, created_at=now)
    except IntegrityError:
        earlier = SubmittedForm.objects.filter(key=key).first()
        if earlier is not None and earlier.created_at >= now - window:
            return earlier
        SubmittedForm.objects.filter(key=key, created_at__lt=now - window).delete()
        return _claim(key, window, attempts=attempts - 1) if attempts > 1 else earlier
    return None


def _follow(request, earlier: SubmittedForm):
    deadline = time.monotonic() + WAIT_SECONDS
    while not earlier.result_url and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        earlier = SubmittedForm.objects.filter(pk=earlier.pk).first()
        if earlier is None:  # the first one failed: nothing was saved
            return None
    if not earlier.result_url:
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        return response
    messages.info(
        request,
        _("This form had already been sent: here is the result of the first submission."),
    )
    return redirect(earlier.result_url)


def _refused(request) -> bool:
    """Whether the view said no with an error message and then redirected
    (some pages show a refusal that way): that is no result to repeat."""
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued)


def once(view=None, *, window: timedelta = timedelta(minutes=2)):
    """Run a POST view once per identical submission within ``window``."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return func(request, *args, **kwargs)
            key = submission_key(request)
            earlier = _claim(key, window)
            if earlier is not None:
                followed = _follow(request, earlier)
                if followed is not None:
                    return followed
                if _claim(key, window) is not None:  # someone else retried first
                    return _follow(request, SubmittedForm.objects.get(key=key))
            try:
                response = func(request, *args, **kwargs)
            except BaseException:
                SubmittedForm.objects.filter(key=key, result_url="").delete()
                raise
            location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
            if location and not _refused(request):
                SubmittedForm.objects.filter(key=key).update(result_url=location[:500])
            else:
                SubmittedForm.objects.filter(key=key, result_url="").delete()
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
