"""The page where a signed-in user makes, lists and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken, TokenScope
from .tokens import api_token_create, api_token_revoke


@never_cache
@login_required
def tokens(request):
    """List; on a valid POST, make a token and show it this once (the page is not cached
    and the token is stored only as its hash), or again to the same form sent again."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                nonce=form.cleaned_data["nonce"],  # the form sent twice: one token
                scope=TokenScope.READ if form.cleaned_data["read_only"] else TokenScope.WRITE,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "new_token": new_token, "tokens": ApiToken.objects.of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    # Only the user's own tokens: someone else's is "not found" (admins use the admin).
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    if token.is_revoked:
        raise Http404
    api_token_revoke(token=token)
    messages.success(request, _("Đã thu hồi mã “%(name)s”.") % {"name": token.name})
    return redirect("api:tokens")
