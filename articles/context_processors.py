from django.conf import settings
from django.utils import translation

from site_settings.models import current as current_settings

from . import seo


def site(request):
    values = current_settings()  # the admin's site settings over the environment's defaults (cached)
    return {
        "site_name": values.site_name,
        "site_settings": values,
        "default_social_image": seo.default_social_image(request),
        "html_lang": html_lang(),
        "og_locale": og_locale(),
    }


def og_locale() -> str:
    """Open Graph's locale is language_TERRITORY ("en_US", "pt_BR"), from LANGUAGE_CODE."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def html_lang() -> str:
    """<html lang>: the active language, LANGUAGE_CODE unless something activated another.

    As Django names it (django.conf.locale.LANG_INFO): "en-gb" and "pt-br" stay as they are, a
    region Django does not list is its language ("en-us", the default, is "en", Django's English
    being American; "de-at" is "de"), and a language Django does not know is used as written.
    """
    code = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_language_info(code)["code"]
    except KeyError:
        return code
