"""The public "report a suspected fake" form (no login), linked from the
stamps' verification pages; the complaint goes to the product's province."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ocop.core.clients import client_key
from ocop.core.idempotency import once
from ocop.core.language import render_in_chosen_language
from ocop.stamps.domain.verify import clean_code, parse_code

from .domain.complaints import TooManyComplaints, file_complaint
from .forms import ComplaintForm


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@once
def report(request):
    """ "Report a suspected fake": no account; a honeypot, a signed form
    timestamp and a per-client hourly limit keep spam out. A refused report
    keeps what was typed."""
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                file_complaint(
                    code=data["code"],
                    message=data["message"],
                    place=data["place"],
                    contact=data["contact"],
                    fingerprint=client_key(request),
                )
            except TooManyComplaints as error:
                form.add_error(None, str(error))
                status = 429
            except ValidationError as error:
                form.add_error(None, error)
            else:
                sent = reverse("complaints:report_sent")
                code = clean_code(data["code"])
                if parse_code(code) is not None:  # back to the product's page
                    sent = f"{sent}?{urlencode({'code': code})}"
                return redirect(sent)
    else:
        form = ComplaintForm(initial={"code": clean_code(request.GET.get("code", ""))})
    return render_in_chosen_language(
        request, "inspections/public/report.html", {"form": form}, status=status
    )


@login_not_required
@require_safe
def report_sent(request):
    code = clean_code(request.GET.get("code", ""))
    back = f"/{code}" if code and parse_code(code) is not None else ""
    return render_in_chosen_language(request, "inspections/public/report_sent.html", {"back": back})
