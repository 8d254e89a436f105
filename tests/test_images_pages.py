"""Library images on public pages: responsive markup, the featured image, and link previews."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.markdown import render_markdown
from images.references import modern_formats

from .image_helpers import add_picture

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def json_ld(page: BeautifulSoup) -> dict:
    return json.loads(page.find("script", type="application/ld+json").string)


def test_body_images_have_size_srcset_and_lazy_loading_but_the_first(client, make_article):
    first = add_picture(size=(1000, 500), alt_text="First", colour=(1, 2, 3))
    second = add_picture(size=(600, 400), alt_text="Second", colour=(3, 2, 1))
    make_article(title="Pictures", body=f"{first.markdown()}\n\nText.\n\n{second.markdown()}")
    images = soup(client.get("/articles/pictures/")).select(".prose picture img")
    assert [(img["width"], img["height"]) for img in images] == [("1000", "500"), ("600", "400")]
    assert images[0]["loading"] == "eager" and images[0]["fetchpriority"] == "high"
    assert images[1]["loading"] == "lazy" and not images[1].has_attr("fetchpriority")
    assert all(img["decoding"] == "async" and img["sizes"] for img in images)
    assert images[0]["alt"] == "First"
    widths = [candidate.split()[1] for candidate in images[0]["srcset"].split(", ")]
    assert widths == ["480w", "800w", "1000w"]  # never wider than the original
    assert images[0]["src"].endswith(f"/images/{first.key}/original.jpg")


def test_modern_formats_come_first_and_every_candidate_exists(client, make_article):
    image = add_picture(size=(900, 300))
    make_article(title="Formats", body=image.markdown("A picture"))
    picture = soup(client.get("/articles/formats/")).select_one(".prose picture")
    types = [source["type"] for source in picture.find_all("source")]
    assert types == [f"image/{fmt}" for fmt in modern_formats()]
    urls = [c.split()[0] for tag in [*picture.find_all("source"), picture.img] for c in tag["srcset"].split(", ")]
    assert len(urls) == 3 * (len(types) + 1)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_external_images_stay_as_they_are():
    assert render_markdown("![A cat](https://example.com/cat.png)") == (
        '<p><img src="https://example.com/cat.png" alt="A cat"></p>'
    )


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<img src="/a.png" srcset="javascript:alert(1) 1x">', '<img src="/a.png">'),
        ('<img src="/a.png" srcset="//evil.example/a.png 1x">', '<img src="/a.png">'),
        ('<img src="/a.png" srcset="/a.png 1x, https://cdn.example/b.png 2x">', None),
        ('<img src="/a.png" loading="whenever" decoding="later">', '<img src="/a.png">'),
        ('<img src="/a.png" onerror="alert(1)" style="x">', '<img src="/a.png">'),
        (
            '<picture><source type="text/html" srcset="/x.html"></picture>',
            '<p><picture><source srcset="/x.html"></picture></p>',
        ),
    ],
)  # fmt: skip
def test_the_sanitiser_keeps_only_safe_image_attributes(html, kept):
    assert render_markdown(html) == (kept or html)


def test_home_query_count_does_not_grow_with_featured_images(client, make_article, django_assert_max_num_queries):
    for n in range(5):
        make_article(title=f"With image {n}", featured_image=add_picture(size=(60 + n, 40), colour=(n, 1, 1)))
    with django_assert_max_num_queries(2):  # the featured images come with the articles (select_related)
        page = client.get("/")
    assert page.content.decode().count('class="teaser__image"') == 5


def test_rendering_a_body_with_many_images_queries_nothing():
    refs = [add_picture(size=(100 + n, 50), colour=(n, n, n)).reference for n in range(5)]
    body = "\n\n".join(f"![Picture {n}]({ref})" for n, ref in enumerate(refs))
    with CaptureQueriesContext(connection) as queries:
        html = render_markdown(body)
    assert len(queries) == 0
    assert html.count("<picture>") == 5


def test_the_featured_image_is_shown_first_and_in_lists(client, make_article):
    image = add_picture(size=(1400, 700), alt_text="A calm room")
    image.caption, image.credit = "Our Brooklyn office", "Photo: A. Lee"
    image.save()
    make_article(title="Featured", body="Text only.", featured_image=image)
    page = soup(client.get("/articles/featured/"))
    figure = page.select_one(".article__image")
    assert figure.img["alt"] == "A calm room" and figure.img["loading"] == "eager"
    assert "Our Brooklyn office" in figure.figcaption.text and "A. Lee" in figure.figcaption.text
    image.caption = ""
    image.save()
    credit_only = soup(client.get("/articles/featured/")).select_one(".article__image figcaption")
    assert credit_only.text.strip() == "Photo: A. Lee"
    teaser = soup(client.get("/")).select_one(".teaser__image img")
    assert teaser["alt"] == "A calm room" and teaser["width"] == "1400"


def test_og_twitter_and_json_ld_use_the_featured_image_at_1200(client, make_article):
    featured = add_picture(size=(2000, 1000), alt_text="Featured one", colour=(5, 5, 5))
    in_body = add_picture(size=(900, 600), colour=(6, 6, 6))
    make_article(title="Social", body=in_body.markdown("Body"), featured_image=featured)
    page = soup(client.get("/articles/social/"))
    og = page.find("meta", property="og:image")["content"]
    assert og == f"http://testserver/media/images/{featured.key}/1200.jpg"
    assert page.find("meta", property="og:image:width")["content"] == "1200"
    assert page.find("meta", property="og:image:height")["content"] == "600"
    assert page.find("meta", property="og:image:alt")["content"] == "Featured one"
    assert page.find("meta", attrs={"name": "twitter:image"})["content"] == og
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    assert json_ld(page)["image"] == {"@type": "ImageObject", "url": og, "width": 1200, "height": 600}
    assert client.get(og.removeprefix("http://testserver")).status_code == 200


def test_without_a_featured_image_the_first_body_image_is_used(client, make_article):
    image = add_picture(size=(700, 350))
    make_article(title="Body image", body=f"Intro.\n\n{image.markdown('x')}")
    page = soup(client.get("/articles/body-image/"))
    url = f"http://testserver/media/images/{image.key}/original.jpg"  # narrower than 1200: the original
    assert page.find("meta", property="og:image")["content"] == url
    assert json_ld(page)["image"]["url"] == url


def test_then_the_site_default_then_nothing(client, make_article, settings):
    make_article(title="Plain", body="No pictures.")
    page = soup(client.get("/articles/plain/"))
    assert page.find("meta", property="og:image") is None
    assert "image" not in json_ld(page)
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    settings.DEFAULT_SOCIAL_IMAGE = "favicon.svg"
    page = soup(client.get("/articles/plain/"))
    assert re.fullmatch(r"http://testserver/static/favicon.*\.svg", page.find("meta", property="og:image")["content"])
    assert json_ld(page)["image"].startswith("http://testserver/static/")


def test_site_url_makes_image_addresses_absolute(client, make_article, settings):
    settings.SITE_URL = "https://practice.example"
    image = add_picture(size=(600, 300))
    make_article(title="Absolute", body="x", featured_image=image)
    page = soup(client.get("/articles/absolute/"))
    assert page.find("meta", property="og:image")["content"].startswith("https://practice.example/media/images/")


def test_the_article_page_query_count_does_not_grow_with_images(client, make_article, django_assert_max_num_queries):
    images = [add_picture(size=(80 + n, 40), colour=(n, 0, 0)) for n in range(4)]
    make_article(title="Many", body="\n\n".join(i.markdown("p") for i in images), featured_image=images[0])
    with django_assert_max_num_queries(5):  # the article with its featured image, tags, previous, next, related
        client.get("/articles/many/")


def test_in_lists_only_the_first_featured_image_loads_at_once(client, make_article):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    make_article(title="Newest, no image", published_at=now - timedelta(hours=1))
    for n in range(3):
        image = add_picture(size=(60 + n, 40), colour=(n, 2, 2))
        make_article(title=f"Older {n}", featured_image=image, published_at=now - timedelta(hours=2 + n))
    loading = [img["loading"] for img in soup(client.get("/")).select(".teaser__image img")]
    assert loading == ["eager", "lazy", "lazy"]
