"""What someone sees when django-axes has locked their login (AXES_LOCKOUT_CALLABLE).

On the admin login page: that page again, saying the account is locked and until when, so a
journalist who mistyped knows what happened and another colleague can still log in from it.
Anywhere else (a DRF view's Basic auth): a plain 429 with the same sentence.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

LOCKED_STATUS = 429


def login_locked_out(request, original_response=None, credentials=None):
    """The lock-out answer: the admin login page with the message, or a plain 429."""
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    message = (
        f"Too many wrong passwords: the account is locked from this address for "
        f"{settings.NEWSDESK_LOGIN_COOLOFF_MINUTES} minutes, until {until:%H:%M} ({until:%Z}). "
        "Each try before then starts the wait again; an administrator can unlock it sooner."
    )
    login_path = reverse("admin:login")
    if request.path != login_path:
        return HttpResponse(message, status=LOCKED_STATUS, content_type="text/plain")
    next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        REDIRECT_FIELD_NAME: next_url,
        "lockout_message": message,
        "locked_until": until,
    }
    return render(request, "admin/login_locked_out.html", context, status=LOCKED_STATUS)
