from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.decorators import AuthenticatedRequest, public, requires
from jaring.identity import policy, services
from jaring.identity.forms import CodeForm, SignInForm, TokenForm
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.models import ApiToken


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except services.ThrottledError:
            form.add_error(None, "Too many failed attempts. Wait a few minutes and try again.")
            status = 429
        else:
            if user is None:
                form.add_error(None, "The username or password is not right.")
                status = 400
            else:
                login(request, user)
                if user.totp_enabled:
                    return redirect(f"/account/verify?next={_next_url(request)}")
                request.session[SESSION_KEY] = True
                return redirect(_next_url(request))
    elif request.method == "POST":
        status = 400
    return render(request, "identity/sign_in.html",
                  {"form": form, "next": _next_url(request)}, status=status)


@public
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("identity:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(request.user, form.cleaned_data["code"], request=request):
            request.session.cycle_key()
            request.session[SESSION_KEY] = True
            return redirect(_next_url(request))
        form.add_error("code", "That code is not valid. Check your device's clock and try again.")
    return render(request, "identity/verify.html", {"form": form, "next": _next_url(request)},
                  status=400 if request.method == "POST" else 200)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("identity:login")


@requires("identity.token.own")
@require_http_methods(["GET", "POST"])
def second_factor(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "disable":
        services.disable_totp(user)
        messages.success(request, "Two-step sign-in is off.")
        return redirect("identity:second_factor")
    secret = request.session.get("totp_pending") or services.new_totp_secret()
    request.session["totp_pending"] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.enable_totp(user, secret, form.cleaned_data["code"]):
            request.session.pop("totp_pending", None)
            request.session[SESSION_KEY] = True
            messages.success(request, "Two-step sign-in is on.")
            return redirect("identity:second_factor")
        form.add_error("code", "That code is not valid. Check your device's clock and try again.")
    return render(request, "identity/second_factor.html", {
        "form": form, "secret": secret, "uri": services.totp_uri(user, secret),
    })


@requires("identity.token.own")
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.create_token(
                request.user, name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"], days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "identity/tokens.html", {
        "form": form, "tokens": rows, "issued": issued,
    }, status=400 if request.method == "POST" and issued is None else 200)


@requires("identity.token.own")
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    policy.check(request.user, "identity.token.own", token, conceal=True, request=request)
    services.revoke_token(token)
    messages.success(request, f"Token “{token.name}” is revoked.")
    return redirect("identity:tokens")
