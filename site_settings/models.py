"""The site's own settings, edited in the admin: one row, whose blank fields fall back to the environment.

`current()` is what the rest of the code reads: cached (in Redis in production, so every app server
sees the same), and dropped from the cache on every save, so a change shows on the next request.
Without a shared cache, other worker processes see it within LOCAL_CACHE_SECONDS.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import DatabaseError, models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

CACHE_KEY = "site_settings:current:v1"
# A process-local cache (LocMemCache, the default without Redis) cannot be cleared in the other worker
# processes when one of them saves: there the settings expire after this many seconds instead.
LOCAL_CACHE_SECONDS = 30


def validate_image_address(value: str) -> None:
    """An https:// (or http://) address, or a path on this site such as /media/uploads/logo.png."""
    if not (value.startswith(("https://", "http://")) or (value.startswith("/") and not value.startswith("//"))):
        raise ValidationError("Enter a full address (https://…) or a path on this site starting with / (/media/…).")


class SiteSettings(models.Model):
    site_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown in the header, page titles and feeds. Blank: the SITE_NAME setting.",
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="A short line about the site, shown in the footer."
    )
    default_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="The home page's description for search engines (about 50–160 characters). "
        "Blank: the SITE_DESCRIPTION setting, or one made from the site name.",
    )
    publisher_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The organisation search engines show as publisher. Blank: the site name.",
    )
    publisher_logo = models.CharField(
        "publisher logo address",
        max_length=500,
        blank=True,
        validators=[validate_image_address],
        help_text="A square or wide logo image (at least 112 px), e.g. an image uploaded in the editor: "
        "/media/uploads/….png. Search engines use it beside the publisher's name.",
    )
    footer_text = models.TextField(blank=True, help_text="Plain text shown at the foot of every page.")
    contact_line = models.CharField(
        max_length=300,
        blank=True,
        help_text="How to reach you, shown on every page, e.g. “Call (212) 555-0100 or write to hello@example.org”.",
    )
    social_image = models.CharField(
        "default social image address",
        max_length=500,
        blank=True,
        validators=[validate_image_address],
        help_text="The picture link previews show for pages without their own (1200 × 630 px works everywhere).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whatever the form says
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class Current:
    """The settings in force: the admin's values, or the environment's where those are blank."""

    site_name: str
    tagline: str = ""
    default_description: str = ""
    publisher_name: str = ""
    publisher_logo: str = ""
    footer_text: str = ""
    contact_line: str = ""
    social_image: str = ""

    @classmethod
    def from_row(cls, row: SiteSettings | None) -> "Current":
        env_name = settings.SITE_NAME
        if row is None:
            return cls(site_name=env_name, default_description=settings.SITE_DESCRIPTION, publisher_name=env_name)
        name = " ".join(row.site_name.split()) or env_name
        return cls(
            site_name=name,
            tagline=row.tagline.strip(),
            default_description=" ".join(row.default_description.split()) or settings.SITE_DESCRIPTION,
            publisher_name=" ".join(row.publisher_name.split()) or name,
            publisher_logo=row.publisher_logo.strip(),
            footer_text=row.footer_text.strip(),
            contact_line=row.contact_line.strip(),
            social_image=row.social_image.strip(),
        )


def current() -> Current:
    values = cache.get(CACHE_KEY)
    if values is None:
        try:
            values = Current.from_row(SiteSettings.objects.filter(pk=1).first())
        except DatabaseError:  # before migrate, or the database is down (the 500 page still renders)
            return Current.from_row(None)
        cache.set(CACHE_KEY, values, LOCAL_CACHE_SECONDS if isinstance(caches["default"], LocMemCache) else None)
    return values


@receiver([post_save, post_delete], sender=SiteSettings)
def _forget_cached(sender, **kwargs):
    cache.delete(CACHE_KEY)


@receiver(setting_changed)
def _environment_changed(setting, **kwargs):
    if setting in {"SITE_NAME", "SITE_DESCRIPTION"}:  # the defaults (tests override them)
        cache.delete(CACHE_KEY)
