"""Officer pages of the exchange: a province's officers download their
province's package; the central office uploads one and reads what it changed
and its conflict report."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core.downloads import bytes_response
from ocop.geo.models import AdminUnit

from .domain.export import export_package, last_export_time
from .domain.importing import import_package
from .domain.package import PackageError
from .forms import ExportForm, ImportForm
from .models import Direction, Package
from .rules import can_export, can_export_province, can_import, can_use, export_provinces


def packages_visible_to(user):
    if can_import(user):
        return Package.objects.all()
    codes = AdminUnit.objects.filter(pk__in=sorted(export_provinces(user))).values("code")
    return Package.objects.filter(direction=Direction.EXPORT, province_code__in=codes)


def index(request, *, export_form=None, import_form=None):
    if not can_use(request.user):
        raise PermissionDenied
    user = request.user
    if can_export(user) and export_form is None:
        export_form = ExportForm(province_ids=export_provinces(user))
    if can_import(user) and import_form is None:
        import_form = ImportForm()
    packages = packages_visible_to(user).select_related("by")[:50]
    return render(
        request,
        "exchange/index.html",
        {"export_form": export_form, "import_form": import_form, "packages": packages},
    )


@require_POST
def export(request):
    if not can_export(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST, province_ids=export_provinces(request.user))
    if not form.is_valid():
        return index(request, export_form=form)
    province = form.cleaned_data["province"]
    if not can_export_province(request.user, province):
        raise PermissionDenied
    since = form.cleaned_data["since"]
    moment = (
        timezone.make_aware(datetime.combine(since, time.min))
        if since
        else last_export_time(province=province)
    )
    try:
        raw = export_package(province=province, since=moment, by=request.user)
    except PackageError as e:
        form.add_error(None, str(e))
        return index(request, export_form=form)
    name = f"ocop-exchange-{province.code}-{timezone.now():%Y%m%dT%H%M%S}.json"
    return bytes_response(raw, filename=name, content_type="application/json")


@require_POST
def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, import_form=form)
    try:
        package = import_package(raw=form.cleaned_data["package"].read(), by=request.user)
    except PackageError as e:
        form.add_error("package", str(e))
        return index(request, import_form=form)
    messages.success(request, _("The package was imported."))
    return redirect("exchange:package", pk=package.pk)


def package(request, pk: int):
    if not can_use(request.user):
        raise PermissionDenied
    record = get_object_or_404(packages_visible_to(request.user), pk=pk)
    return render(request, "exchange/package.html", {"package": record})
