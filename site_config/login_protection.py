"""Login protection settings, imported by settings/base.py: lockout, password rules, session expiry.

django-axes records every failed login (admin → Axes → Access attempts, where staff can delete
them to unlock) and refuses further tries for AXES_COOLOFF_HOURS once an account, or an address,
has failed AXES_FAILURE_LIMIT times. `manage.py axes_reset`, `axes_reset_username NAME` and
`axes_reset_ip ADDRESS` unlock from the command line.
"""

from datetime import timedelta

from site_config.env import env_bool, env_int, env_str

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1))
# Each one alone: an account attacked from many addresses is locked, and so is an address trying many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py run
# Behind a proxy (BEHIND_PROXY=1) the address the proxy saw, else the connection's.
AXES_CLIENT_IP_CALLABLE = "site_config.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# A signed-in editor is signed out this many hours after signing in (a working day), and when the
# browser closes. Not renewed on each request: that would be a database write on every admin page.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Password reset by email, linked from the admin's login page, only when mail can be sent (EMAIL_HOST set).
PASSWORD_RESET_BY_EMAIL = bool(env_str("EMAIL_HOST"))
if PASSWORD_RESET_BY_EMAIL:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
