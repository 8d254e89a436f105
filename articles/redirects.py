"""Old addresses (django.contrib.redirects) that lead only to what the public may see now.

Importers store a redirect for every old address, whatever the article's status; the
decision is taken here, at request time. A redirect to an article's page answers only
while that article is public (Article.objects.published()): before that, or after it is
taken back to draft, the old address answers 404 like any unknown one, and it starts
redirecting the moment the article's time comes, with no job to run.
"""

from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpResponseGone, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.deprecation import MiddlewareMixin

from .models import Article

# Query parameters of old WordPress addresses on the site root: /?p=123, /?page_id=2.
WORDPRESS_ID_PARAMS = ("p", "page_id")


def article_slug_at(new_path: str, host: str) -> str | None:
    """The slug when `new_path` is an article's page on this site, else None (another page, another site)."""
    parts = urlsplit(new_path)
    if (parts.scheme or parts.netloc) and parts.netloc.lower() != host.lower():
        return None  # another site's address
    path = unquote(parts.path)
    candidates = [path] if path.endswith("/") or not settings.APPEND_SLASH else [path, path + "/"]
    for candidate in candidates:
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        return match.kwargs["slug"] if match.view_name == "articles:detail" else None
    return None


def leads_to_hidden_article(new_path: str, host: str) -> bool:
    """True when `new_path` is an article's page on this site and that article is not public now.

    Any other target (another page of this site, another site) is not ours to hide.
    """
    slug = article_slug_at(new_path, host)
    return slug is not None and not Article.objects.published().filter(slug=slug).exists()


def redirect_old_address(old_slug: str, article: Article) -> None:
    """A public article's slug changed: its old address redirects (301) to the new one.

    Redirects that led to the old address are pointed at the new one, so there is never a chain;
    one whose source is the new address is dropped (the article wins), so there is never a loop.
    """
    site_id = settings.SITE_ID
    old_path = reverse("articles:detail", kwargs={"slug": old_slug})
    new_path = article.get_absolute_url()
    Redirect.objects.filter(site_id=site_id, new_path=old_path).update(new_path=new_path)
    Redirect.objects.update_or_create(site_id=site_id, old_path=old_path, defaults={"new_path": new_path})
    claim_address(article)


def claim_address(article: Article) -> None:
    """A public article's own address is never redirected elsewhere: a redirect from it is dropped."""
    Redirect.objects.filter(site_id=settings.SITE_ID, old_path=article.get_absolute_url()).delete()


def current_site_id(request) -> int:
    """As get_current_site(request), without a query when SITE_ID is set."""
    return getattr(settings, "SITE_ID", None) or get_current_site(request).pk


def find_redirect(request, old_paths: list[str]) -> Redirect | None:
    """The first of `old_paths` (in that order) this site has a redirect for, in one query."""
    found = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(site_id=current_site_id(request), old_path__in=old_paths)
    }
    return next((found[path] for path in old_paths if path in found), None)


def redirect_response(request, old_paths: list[str]):
    """The answer for an old address: 301 to a public target, 410 for a gone one, else None."""
    redirect = find_redirect(request, list(dict.fromkeys(old_paths)))
    if redirect is None:
        return None
    if not redirect.new_path:
        return HttpResponseGone()
    if leads_to_hidden_article(redirect.new_path, request.get_host()):
        # An old address of an article that was public and is now in the trash is gone as its own address is.
        slug = article_slug_at(redirect.new_path, request.get_host())
        return render(request, "410.html", status=410) if Article.objects.gone().filter(slug=slug).exists() else None
    return HttpResponsePermanentRedirect(redirect.new_path)


def fallback_paths(request) -> list[str]:
    """Old paths a 404 may have been: as Django's RedirectFallbackMiddleware looks them up, then without the query."""
    paths = [request.get_full_path()]
    if settings.APPEND_SLASH and not request.path.endswith("/"):
        paths.append(request.get_full_path(force_append_slash=True))
    if request.META.get("QUERY_STRING"):
        paths += [path.split("?", 1)[0] for path in paths]  # the path part is escaped: no "?" in it
    return paths


def wordpress_id_paths(request) -> list[str]:
    """For /?p=123 (and /?page_id=2): the full address, then the address with only that parameter.

    Empty for every other request, so ordinary pages make no query.
    """
    if request.path_info != "/" or not request.META.get("QUERY_STRING"):
        return []
    params = [(name, request.GET[name]) for name in WORDPRESS_ID_PARAMS if request.GET.get(name)]
    if not params:
        return []
    return [request.get_full_path(), *(f"{request.path}?{urlencode([param])}" for param in params)]


class PublicRedirectMiddleware(MiddlewareMixin):
    """RedirectFallbackMiddleware, except that a redirect to an article waits until the article is public.

    Also answers old WordPress addresses such as /?p=123, which reach the home page (a 200,
    never seen by a 404 fallback): they redirect before the view runs, or answer 404 when
    no public page is known for them, as WordPress did for an unknown post.
    """

    def process_request(self, request):
        old_paths = wordpress_id_paths(request)
        if not old_paths:
            return None
        response = redirect_response(request, old_paths)
        if response is None:
            raise Http404("No public page for this old address.")
        return response

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        return redirect_response(request, fallback_paths(request)) or response
