"""System checks for mistakes that would otherwise show only as a broken site.

Registered in ArticlesConfig.ready(); `manage.py check` and `runserver` run them.
"""

from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

# Not Tags.staticfiles: collectstatic runs the checks with that tag first, and would then refuse
# to write the very manifest this check asks for.
STATIC_MANIFEST_TAG = "static_manifest"
COLLECTSTATIC_HINT = (
    "Run `manage.py collectstatic --noinput` (again after every deploy that changes static files), "
    "or set DEBUG=1 for local development."
)


@register(STATIC_MANIFEST_TAG)
def check_static_manifest(app_configs=None, **kwargs):
    """With DEBUG off, a manifest storage (whitenoise's) needs collectstatic's manifest, or every page is a 500.

    {% static %} looks each file up in the manifest and raises when it is missing, and every
    template, the 404 page's included, uses {% static %}.

    Like every Error, it also stops the other commands that run all checks (migrate among
    them): run collectstatic first, or pass --skip-checks.
    """
    if settings.DEBUG:
        return []
    try:
        storage = storages.create_storage(settings.STORAGES[STATICFILES_STORAGE_ALIAS])
    except ValueError as error:  # the manifest is there but unreadable (a half-written file)
        return [
            Error(f"The static files manifest cannot be read ({error}).", hint=COLLECTSTATIC_HINT, id="articles.E002")
        ]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = storage.manifest_storage
    if manifest.exists(storage.manifest_name):
        return []
    try:
        where = manifest.path(storage.manifest_name)
    except NotImplementedError:  # a storage without local paths
        where = storage.manifest_name
    return [
        Error(
            f"The static files manifest {where} is missing: with DEBUG off every page, 404s included, "
            "would fail with a server error.",
            hint=COLLECTSTATIC_HINT,
            id="articles.E001",
        )
    ]


def refuse_to_start_without_static_manifest() -> None:
    """For WSGI/ASGI start-up, where no system check runs: the same check, as an exception."""
    errors = check_static_manifest()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
