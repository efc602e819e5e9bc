"""The targets pages: a province's yearly targets with what has been
achieved, the national programme's targets with their basis; setting,
changing and removing a province's targets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core import confirm
from ocop.core.idempotency import once

from .domain import targets
from .forms_targets import TargetEditForm, TargetFilterForm, TargetForm
from .rules_targets import can_set_targets, is_target_reader, is_target_setter

NAV = "targets"


def _require_reader(user) -> None:
    if not is_target_reader(user):
        raise PermissionDenied(_("Only officers see the targets."))


def target_list(request):
    user = request.user
    _require_reader(user)
    form = TargetFilterForm(request.GET or None, user=user)
    year, province = form.values()
    today = timezone.localdate()
    rows = targets.targets_visible_to(user).filter(year=year)
    if province is not None:
        rows = rows.filter(province=province)
    context = {
        "form": form,
        "year": year,
        "province_rows": targets.province_progress(rows, today=today, user=user),
        "national_rows": targets.national_progress(today=today),
        "can_set": is_target_setter(user),
        "nav_active": NAV,
    }
    return render(request, "stats/target_list.html", context)


@once
def target_new(request):
    user = request.user
    if not is_target_setter(user):
        raise PermissionDenied(_("Only provincial officers and the central office set targets."))
    form = TargetForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                target, created = targets.set_province_target(
                    by=user,
                    province=data["province"],
                    year=data["year"],
                    commune=data["commune"],
                    star=data["star"],
                    new_products=data["new_products"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error("province", str(exc))
            else:
                messages.success(
                    request,
                    _("Target saved.") if created else _("The existing target was changed."),
                )
                return redirect(f"{reverse('stats:targets')}?year={target.year}")
    return render(
        request, "stats/target_form.html", {"form": form, "nav_active": NAV}, status=status
    )


def target_edit(request, pk: int):
    target = get_object_or_404(targets.targets_visible_to(request.user), pk=pk)
    if not can_set_targets(request.user, target.province):
        raise PermissionDenied(_("You may only set the targets of your own province."))
    form = TargetEditForm(request.POST or None, instance=target)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                targets.update_province_target(
                    by=request.user,
                    target=target,
                    new_products=form.cleaned_data["new_products"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{reverse('stats:targets')}?year={target.year}")
    return render(
        request,
        "stats/target_form.html",
        {"form": form, "target": target, "nav_active": NAV},
        status=status,
    )


@require_POST
def target_remove(request, pk: int):
    target = get_object_or_404(targets.targets_visible_to(request.user), pk=pk)
    if not can_set_targets(request.user, target.province):
        raise PermissionDenied(_("You may only set the targets of your own province."))
    back = f"{reverse('stats:targets')}?year={target.year}"
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Remove a target"),
            summary=[
                _("The target “%(target)s” will be removed; its values stay in the history.")
                % {"target": targets.describe(target)}
            ],
            button=_("Remove the target"),
            back=back,
        )
    targets.remove_province_target(by=request.user, target=target)
    messages.success(request, _("The target was removed."))
    return redirect(back)
