"""Optional TOTP two-factor login (django-otp) for the roles that move money and sign reports.

A user who has confirmed an authenticator app must enter its six-digit code after the password: until then
every page except the code page and logout redirects there. API tokens are handed out only with the code too.
"""

import base64
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.permissions import Role
from portal.qr import qr_svg
from portal.scoping import scope_for

# Roles offered two-factor login: those who allocate money, approve reports or read every record.
TWO_FACTOR_ROLES = {Role.DEPARTMENT_STAFF, Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN, Role.MINISTRY}
SESSION_KEY = "second_factor_pending"


def offers_two_factor(user) -> bool:
    return user.is_authenticated and bool(scope_for(user).roles & TWO_FACTOR_ROLES)


@receiver(user_logged_in)
def _ask_for_code_if_enrolled(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = user_has_device(user, confirmed=True)


class SecondFactorMiddleware:
    """Send a password-authenticated user with a confirmed device to the code page until they enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(SESSION_KEY)
            and not request.user.is_verified()
            and not request.path.startswith((reverse("otp-verify"), reverse("logout"), settings.STATIC_URL))
        ):
            return redirect(f"{reverse('otp-verify')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Mã 6 số trong ứng dụng xác thực"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Mã gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("Mã không đúng hoặc đã hết hạn. Hãy nhập mã mới nhất trong ứng dụng."))
        return code


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    next_url = request.GET.get("next") or request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        request.session[SESSION_KEY] = False
        return redirect(next_url)
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: show its QR code, and switch two-factor on once a first code is right."""
    if not offers_two_factor(request.user):
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return render(request, "registration/otp_setup.html", {"enrolled": True})
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": _("Ứng dụng xác thực")}
    )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Đã bật xác thực hai lớp. Lần đăng nhập sau, hãy nhập thêm mã trong ứng dụng."))
        return redirect("home")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr_svg": qr_svg(device.config_url), "secret": secret},
    )
