"""The person's own API tokens (account area): list, create, revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ocop.accounts.domain.api_tokens import (
    create_api_token,
    recent_uses,
    revoke_api_token,
    tokens_of,
)
from ocop.accounts.forms import ApiTokenForm
from ocop.core.confirm import ask, confirmed


@never_cache
def api_tokens(request):
    """The list of the person's tokens and the form to make one; the new
    token's secret is shown once, on the answer to the form."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = create_api_token(
                user=request.user,
                name=data["name"],
                days=data["days"],
                roles=data["roles"],
                can_write=data["can_write"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            form = ApiTokenForm(user=request.user)
    tokens = list(tokens_of(request.user))
    shown = tokens[0] if tokens else None
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "secret": secret,
            "uses": list(recent_uses(shown)) if shown else [],
            "uses_of": shown,
        },
    )


@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    back = reverse("accounts:api_tokens")
    if not confirmed(request):
        return ask(
            request,
            title=_("Revoke the API token"),
            summary=[
                _("Token: %(name)s (%(prefix)s…)") % {"name": token.name, "prefix": token.prefix},
                _("Programs using it will be refused from now on. This cannot be undone."),
            ],
            button=_("Revoke"),
            back=back,
        )
    try:
        revoke_api_token(token=token, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect(back)
