"""import_articles on a Jekyll or Hugo site's folder: configuration, permalinks, template tags, shortcodes."""

from datetime import date

import pytest

from articles.models import Article
from images.models import Image

from ..image_helpers import picture_bytes

pytestmark = pytest.mark.django_db

JEKYLL_CONFIG = """\
title: Practice Notes
url: "https://blog.example.org"
baseurl: "/notes"
email: hello@example.org
permalink: /:categories/:year/:month/:day/:title:output_ext
newsletter:
  name: Monthly Notes
"""

MINDFUL = """\
---
layout: post
title: Mindful Walking
date: 2019-05-01 08:00:00 -0400
categories: [Wellbeing]
tags: [walking, habits]
---
Most of us walk every day without noticing a single step.

{% highlight python linenos %}
steps = ["inhale", "exhale"]
{% endhighlight %}

{% raw %}Liquid looks like {{ this }} and {% that %}.{% endraw %}

Read [how sleep changes mood]({% post_url 2020-01-10-sleep-and-mood %}) next.

Write to {{ site.email }} or join {{ site.newsletter.name }}.

![A path in the park]({{ "/assets/walk.png" | relative_url }})

{% include newsletter.html %}

{% for tag in page.tags %}{{ tag }} {% endfor %}
"""

SLEEP = """\
---
title: Sleep and Mood
date: 2020-01-1O
permalink: /sleep/:title/
---
One bad night can colour a whole day.

See also [mindful walking]({% link _posts/2019-05-01-mindful-walking.md %})
and [the same]({{ site.url }}{{ site.baseurl }}/wellbeing/2019/05/01/mindful-walking.html).
"""

HUGO_CONFIG = """\
baseURL = "https://practice.example.net/"
title = "Practice"
[permalinks]
  posts = "/:year/:month/:slug/"
"""

FIRST = """\
+++
title = "First Steps in Therapy"
date = 2021-03-14T09:30:00Z
slug = "first-steps"
aliases = ["/old/first-steps.html"]
tags = ["beginnings"]
+++
What happens in a first session, and what does not.

{{< highlight go >}}
fmt.Println("hello")
{{< /highlight >}}

{{< figure src="/images/couch.png" alt="A couch by a window" caption="Our waiting room" >}}

Next: [the second post]({{< ref "second-post" >}}).

{{< youtube dQw4w9WgXcQ >}}

{{< vimeo 76979871 >}}

{{< tweet user="nasa" id="1234567890" >}}

{{< gallery dir="/img/rooms" >}}
"""

SECOND = """\
---
title: "Second Post"
date: 2021-04-02
---
Back to [the first one]({{< relref "/posts/first-steps.md" >}}).
"""


@pytest.fixture
def jekyll(tmp_path):
    root = tmp_path / "jekyll-site"
    files = {
        "_config.yml": JEKYLL_CONFIG,
        "_posts/2019-05-01-mindful-walking.md": MINDFUL,
        "_posts/2020-01-10-sleep-and-mood.md": SLEEP,
        "about.md": "---\ntitle: About\n---\nWe are a practice.\n",
        "_layouts/post.html": "<html>{{ content }}</html>",
        "_site/index.html": "<html><body><p>built</p></body></html>",
        "README.md": "# How to build this site\n\nbundle exec jekyll serve\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "assets").mkdir()
    (root / "assets" / "walk.png").write_bytes(picture_bytes(fmt="PNG"))
    return root


@pytest.fixture
def hugo(tmp_path):
    root = tmp_path / "hugo-site"
    files = {
        "hugo.toml": HUGO_CONFIG,
        "content/posts/first-steps.md": FIRST,
        "content/posts/second-post/index.md": SECOND,
        "content/posts/_index.md": "---\ntitle: Posts\n---\n",
        "public/index.html": "<html><body><p>built</p></body></html>",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "couch.png").write_bytes(picture_bytes(fmt="PNG", colour=(10, 200, 10)))
    return root


def test_jekyll_site_imports_only_its_posts(run_import, jekyll):
    result = run_import(jekyll)

    assert result.code == 0, result.err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Mindful Walking", "Sleep and Mood"]
    assert "2 created" in result.out and "0 failed" in result.out


def test_jekyll_permalinks_from_the_configuration_and_the_post_redirect(run_import, jekyll, client):
    run_import(jekyll)
    mindful = Article.objects.get(title="Mindful Walking").get_absolute_url()
    sleep = Article.objects.get(title="Sleep and Mood").get_absolute_url()

    for old, new in [("/wellbeing/2019/05/01/mindful-walking.html", mindful), ("/sleep/sleep-and-mood/", sleep)]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old


def test_jekyll_liquid_tags_become_markdown(run_import, jekyll):
    run_import(jekyll)
    body = Article.objects.get(title="Mindful Walking").body
    sleep = Article.objects.get(title="Sleep and Mood")

    assert '```python\nsteps = ["inhale", "exhale"]\n```' in body
    assert "Liquid looks like {{ this }} and {% that %}." in body  # {% raw %} unwrapped, left as written
    assert f"[how sleep changes mood]({sleep.get_absolute_url()})" in body
    assert "Write to hello@example.org or join Monthly Notes." in body
    assert "![A path in the park](image:" in body and Image.objects.count() == 1


def test_unknown_liquid_stays_visible_and_is_listed(run_import, jekyll):
    result = run_import(jekyll)
    body = Article.objects.get(title="Mindful Walking").body

    assert "{% include newsletter.html %}" in body
    assert "{% for tag in page.tags %}" in body
    assert (
        "2019-05-01-mindful-walking.md: template tag left as text, to be edited by hand: {% include newsletter.html %}"
        in result.out
    )
    assert "template tag left as text, to be edited by hand: {% for tag in page.tags %}" in result.out


def test_links_between_jekyll_posts_by_tag_and_by_old_url(run_import, jekyll):
    run_import(jekyll)
    mindful = Article.objects.get(title="Mindful Walking").get_absolute_url()
    body = Article.objects.get(title="Sleep and Mood").body

    assert f"[mindful walking]({mindful})" in body
    assert f"[the same]({mindful})" in body


def test_an_unreadable_date_falls_back_to_the_file_name_with_a_note(run_import, jekyll):
    result = run_import(jekyll)

    assert Article.objects.get(title="Sleep and Mood").published_at.date() == date(2020, 1, 10)
    assert "2020-01-10-sleep-and-mood.md: line 3: 'date' must be a date" in result.out
    assert "used the date in the file name" in result.out


def test_site_root_option_when_only_the_posts_folder_is_named(run_import, jekyll, client):
    result = run_import(jekyll / "_posts", "--site-root", jekyll)

    assert result.code == 0, result.err
    assert client.get("/wellbeing/2019/05/01/mindful-walking.html").status_code == 301


def test_site_root_that_is_no_site_is_refused(run_import, jekyll, tmp_path):
    result = run_import(jekyll / "_posts", "--site-root", tmp_path)

    assert result.code == 1
    assert "no Jekyll _config.yml and no Hugo configuration" in result.err


def test_hugo_site_permalinks_and_aliases_redirect(run_import, hugo, client):
    result = run_import(hugo)

    assert result.code == 0, result.err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["First Steps in Therapy", "Second Post"]
    first = Article.objects.get(title="First Steps in Therapy").get_absolute_url()
    second = Article.objects.get(title="Second Post").get_absolute_url()
    for old, new in [
        ("/2021/03/first-steps/", first),  # [permalinks] posts = "/:year/:month/:slug/"
        ("/old/first-steps.html", first),  # aliases
        ("/2021/04/second-post/", second),  # a page bundle, slug from its title
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old


def test_hugo_shortcodes_become_markdown(run_import, hugo):
    result = run_import(hugo)
    first = Article.objects.get(title="First Steps in Therapy")
    second = Article.objects.get(title="Second Post")

    assert '```go\nfmt.Println("hello")\n```' in first.body
    assert "![A couch by a window](image:" in first.body and "*Our waiting room*" in first.body
    assert f"[the second post]({second.get_absolute_url()})" in first.body
    assert f"[the first one]({first.get_absolute_url()})" in second.body
    assert "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>" in first.body
    assert "<https://vimeo.com/76979871>" in first.body
    assert "<https://twitter.com/nasa/status/1234567890>" in first.body
    assert '{{< gallery dir="/img/rooms" >}}' in first.body
    assert 'template tag left as text, to be edited by hand: {{< gallery dir="/img/rooms" >}}' in result.out
    assert "skipped: 1 a Hugo section list page" in result.out
