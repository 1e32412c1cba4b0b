"""The installable web app of the commune officer: its page, its service worker and its manifest.

The page is a shell: labels only, never a child's data (that comes from the sync API into the device's
encrypted store), so the service worker may keep it for use without a connection.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.permissions import Perm
from portal.scoping import scope_for
from webapp.strings import strings

# What the shell loads; the service worker keeps exactly these (plus the shell itself).
SHELL_STATIC = [
    "css/portal.css",
    "js/money.js",
    "webapp/app.css",
    "webapp/app.js",
    "webapp/store.js",
    "webapp/sync.js",
    "webapp/norms.js",
    "webapp/views.js",
    "img/favicon.svg",
    "webapp/icon.svg",
    "webapp/icon-192.png",
]
# Modules the app imports by a relative path: with hashed static names in production the browser asks for the
# plain name too, so both are cached.
IMPORTED_MODULES = ["webapp/store.js", "webapp/sync.js", "webapp/norms.js", "webapp/views.js"]


def _require_offline_user(user) -> None:
    """The offline app is the commune officer's: other roles and anonymous visitors get nothing from it."""
    if not scope_for(user).has_perm(Perm.REGISTER_NEEDS):
        raise PermissionDenied


def _shell_context() -> dict:
    return {
        "strings": strings(),
        "urls": {
            "worker": reverse("webapp:worker"),
            "shell": reverse("webapp:shell"),
            "logout": reverse("logout"),
            "login": reverse("login"),
            "home": reverse("home"),
            "me": reverse("api-me"),
        },
    }


@login_required
@require_GET
def shell(request):
    _require_offline_user(request.user)
    return render(request, "webapp/shell.html", _shell_context())


def _shell_files() -> list[str]:
    files = [reverse("webapp:shell"), reverse("webapp:manifest")]
    files += [static(path) for path in SHELL_STATIC]
    files += [settings.STATIC_URL + path for path in IMPORTED_MODULES]
    return list(dict.fromkeys(files))


def _shell_version(request) -> str:
    """Changes whenever a file of the shell does (the page as rendered, in the user's language, and every static
    file), so the browser installs the new worker, which drops the old cache."""
    digest = hashlib.sha256(render_to_string("webapp/shell.html", _shell_context(), request=request).encode())
    for name in SHELL_STATIC:
        digest.update(Path(finders.find(name)).read_bytes())
    return digest.hexdigest()[:16]


@login_required
@require_GET
@never_cache
def service_worker(request):
    """The worker at the site root, so it may answer for every page of the portal when there is no connection
    (it answers only for the shell's files and, offline, for page loads; everything else goes to the network)."""
    _require_offline_user(request.user)
    body = render(
        request,
        "webapp/sw.js",
        {
            "version": _shell_version(request),
            "files": json.dumps(_shell_files()),
            "shell": json.dumps(reverse("webapp:shell")),
        },
        content_type="text/javascript; charset=utf-8",
    )
    body["Service-Worker-Allowed"] = "/"
    return body


@require_GET
def manifest(request):
    """What the phone shows when the portal is installed; public, as it holds nothing but names and icons."""
    data = {
        "name": _("Cổng hỗ trợ trẻ em — làm việc không cần mạng"),
        "short_name": _("Hỗ trợ trẻ em"),
        "description": _("Đăng ký trẻ em, nhu cầu và ghi nhận trao hỗ trợ ở nơi không có sóng; gửi khi có mạng."),
        "lang": get_language(),
        "start_url": reverse("webapp:shell"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbfaf9",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("webapp/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("webapp/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("webapp/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "max-age=86400"
    return response


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to forget what the portal stored on the device: the offline app's
    encrypted data and its key, its caches and its service worker (the app wipes them itself first; this header
    covers a logout from any other page)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
