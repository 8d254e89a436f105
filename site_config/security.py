"""Response headers that settings alone cannot give: the admin's own CSP and Permissions-Policy.

The public policy is SECURE_CSP (settings/base.py), a static header with no nonce, so a
full-page cache may keep it. The admin and the markdownx editor endpoints get ADMIN_CSP: only
self-hosted scripts and styles (Django's admin, markdownx, ours), images also from data: and
blob: (the admin's widgets and the editor's upload preview), never inline script.
"""

from django.conf import settings
from django.utils.csp import CSP

PUBLIC_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ADMIN_CSP = PUBLIC_CSP | {
    "img-src": [CSP.SELF, "data:", "blob:"],
    # The admin's related-object popups and "view on site" stay within the site.
    "frame-ancestors": [CSP.SELF],
}

# Browser features no page of ours uses: denied to the page and anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _editor_prefixes() -> tuple[str, ...]:
    return ("/" + settings.ADMIN_URL, "/markdownx/")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; the admin's CSP on admin and editor responses.

    Placed after ContentSecurityPolicyMiddleware in MIDDLEWARE so that it runs first on the
    response and the CSP middleware reads the policy it chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(_editor_prefixes()) and not hasattr(response, "_csp_config"):
            response._csp_config = ADMIN_CSP
        return response


def client_ip(request) -> str | None:
    """The client's address for login lockout: behind our proxy, the last X-Forwarded-For entry.

    A proxy appends the address it saw; entries before it come from the client and may be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
