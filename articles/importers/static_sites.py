"""Jekyll and Hugo sites as their owners have them: the generator's configuration, posts, and
the template tags in their bodies.

A folder is a site when it holds Jekyll's _config.yml, or Hugo's hugo.toml / config.toml /
config.yaml (and a content/ folder). Its configuration gives the site variables and the
permalink pattern, so each post's old address can be redirected exactly. Only posts are
articles: Jekyll's _posts/ (in any folder), Hugo's content/ (not its _index.md list pages).

Bodies are rewritten before the Markdown importer reads them:
  Jekyll: {% highlight %} → fenced code, {% raw %} unwrapped, {% post_url %} / {% link %} →
  the post's old address (the writer's link pass then points it at the new one), {{ site.X }}
  → the configured value, relative_url / absolute_url / baseurl dropped or applied.
  Hugo: ref / relref → the old address, figure → an image, highlight → fenced code,
  youtube / vimeo / tweet → a link.
Anything else (loops, includes, unknown shortcodes) stays as visible text and is noted per
file, so nothing disappears silently.
"""

import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import yaml
from django.utils.text import slugify

from .markdown_files import front_matter
from .records import SourceError

JEKYLL_PRESETS = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
_DATED_NAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<title>.+)$")
_LIQUID_TAG_RE = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_LIQUID_OUTPUT_RE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_HIGHLIGHT_RE = re.compile(r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.DOTALL)
_SHORTCODE_RE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w/.-]+)(.*?)\s*[>%]\}\}", re.DOTALL)
_SHORTCODE_ARG_RE = re.compile(r'(?:([\w-]+)=)?(?:"((?:\\.|[^"\\])*)"|`([^`]*)`|(\S+))')
_MARKDOWN_IMAGE_RE = re.compile(r"(!\[[^\]]*\]\()(/[^)\s]+)")
# Hugo's escaped shortcodes, {{</* x */>}}, show the shortcode itself.
_ESCAPED_SHORTCODE_RE = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.DOTALL)


@dataclass
class Post:
    key_path: str  # relative to the site root
    old_path: str


@dataclass
class StaticSite:
    """One Jekyll or Hugo site under `root`; `posts` by every name a link may use for them."""

    root: Path
    generator: str  # "jekyll" or "hugo"
    config: dict
    posts: dict[str, Post] = field(default_factory=dict)
    _stash: list[str] = field(default_factory=list)

    # -- which files are posts ------------------------------------------------------------

    def skip_reason(self, key_path: str) -> str:
        """Why the file at `key_path` (within the root) is not a post ("" when it is one)."""
        parts = PurePosixPath(key_path).parts
        if not key_path.lower().endswith(MARKDOWN_SUFFIXES):
            return f"not a post of the {self.generator.capitalize()} site (layouts, assets, the built site)"
        if self.generator == "jekyll":
            if "_posts" not in parts[:-1] or "_site" in parts:
                return "not a post of the Jekyll site (pages, drafts, layouts, includes)"
        elif not parts or parts[0] != "content":
            return "not a post of the Hugo site (outside content/)"
        elif parts[-1].startswith("_index."):
            return "a Hugo section list page"
        return ""

    # -- old addresses ---------------------------------------------------------------------

    def old_path(self, key_path: str, meta: dict, published: datetime | None) -> str:
        if self.generator == "jekyll":
            return self._jekyll_path(key_path, meta, published)
        return self._hugo_path(key_path, meta, published)

    def _jekyll_path(self, key_path: str, meta: dict, published: datetime | None) -> str:
        path = PurePosixPath(key_path)
        name = _DATED_NAME_RE.match(path.stem)
        day = published or (_date(name["date"]) if name else None)
        if not day:
            return ""
        pattern = _text(meta.get("permalink")) or _text(self.config.get("permalink")) or "date"
        pattern = JEKYLL_PRESETS.get(pattern, pattern)
        folders = list(path.parts[: path.parts.index("_posts")])
        categories = folders + _word_list(meta.get("categories") or meta.get("category"))
        values = {
            "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
            "year": f"{day.year:04d}",
            "short_year": f"{day.year % 100:02d}",
            "month": f"{day.month:02d}",
            "i_month": str(day.month),
            "day": f"{day.day:02d}",
            "i_day": str(day.day),
            "y_day": f"{day.timetuple().tm_yday:03d}",
            "hour": f"{getattr(day, 'hour', 0):02d}",
            "minute": f"{getattr(day, 'minute', 0):02d}",
            "second": f"{getattr(day, 'second', 0):02d}",
            "title": _text(meta.get("slug")) or (name["title"] if name else path.stem),
            "slug": slugify(_text(meta.get("slug")) or (name["title"] if name else path.stem)),
            "output_ext": ".html",
        }
        return _fill(pattern, values)

    def _hugo_path(self, key_path: str, meta: dict, published: datetime | None) -> str:
        if _text(meta.get("url")):
            return "/" + _text(meta.get("url")).lstrip("/")
        path = PurePosixPath(key_path).relative_to("content")
        bundle = path.stem in {"index", "_index"}
        filename = path.parent.name if bundle else path.stem
        sections = list((path.parent.parent if bundle else path.parent).parts)
        section = sections[0] if sections else ""
        slug = _text(meta.get("slug"))
        title = _text(meta.get("title"))
        pattern = _hugo_permalinks(self.config).get(section)
        if not pattern:
            return "/" + "/".join([*sections, slug or filename]) + "/"
        day = published or datetime(1, 1, 1)
        values = {
            "year": f"{day.year:04d}",
            "month": f"{day.month:02d}",
            "monthname": day.strftime("%B").lower(),
            "day": f"{day.day:02d}",
            "weekday": str(day.isoweekday() % 7),
            "section": section,
            "sections": "/".join(sections),
            "title": slugify(title) or filename,
            "slug": slug or slugify(title) or filename,
            "filename": filename,
            "contentbasename": filename,
            "slugorfilename": slug or filename,
            "slugorcontentbasename": slug or filename,
        }
        return _fill(pattern, values)

    # -- bodies ------------------------------------------------------------------------------

    def convert_body(self, body: str, key_path: str, notes: list[str]) -> str:
        self._stash = []
        left: list[str] = []
        convert = self._jekyll if self.generator == "jekyll" else self._hugo
        body = convert(body, key_path, left)
        body = self._local_images(body, key_path)
        for index, text in enumerate(self._stash):
            body = body.replace(f"\x00{index}\x00", text)
        for tag in dict.fromkeys(left):
            notes.append(f"template tag left as text, to be edited by hand: {tag}")
        return body

    def _keep(self, text: str) -> str:
        """Set text aside so later rewriting leaves it alone ({% raw %} blocks, code)."""
        self._stash.append(text)
        return f"\x00{len(self._stash) - 1}\x00"

    def _jekyll(self, body: str, key_path: str, left: list[str]) -> str:
        body = _RAW_RE.sub(lambda m: self._keep(m.group(1)), body)
        body = _HIGHLIGHT_RE.sub(lambda m: self._keep(f"```{m.group(1)}\n{m.group(2)}\n```"), body)

        def tag(match: re.Match) -> str:
            name, argument = match.group(1), match.group(2).strip()
            if name == "post_url":
                found = self.posts.get(f"post:{argument}") or self.posts.get(f"post:{argument.rsplit('/', 1)[-1]}")
            elif name == "link":
                found = self.posts.get(f"file:{argument.lstrip('/')}")
            else:
                left.append(match.group(0))
                return match.group(0)
            if not found:
                left.append(f"{match.group(0)} (no such post in the site)")
                return match.group(0)
            return found.old_path

        def output(match: re.Match) -> str:
            value = self._liquid_value(match.group(1))
            if value is None:
                left.append(match.group(0))
                return match.group(0)
            return value

        body = _LIQUID_TAG_RE.sub(tag, body)
        return _LIQUID_OUTPUT_RE.sub(output, body)

    def _liquid_value(self, expression: str) -> str | None:
        """{{ site.X }}, {{ "path" | relative_url }}; None for what we do not evaluate."""
        value, *filters = [part.strip() for part in expression.split("|")]
        if value[:1] in {'"', "'"} and value[-1:] == value[:1]:
            text = value[1:-1]
        elif value.startswith("site."):
            found = self.config
            for key in value.removeprefix("site.").split("."):
                found = found.get(key) if isinstance(found, dict) else None
            if found is None or isinstance(found, (dict, list)):
                return None
            text = "" if value == "site.baseurl" else str(found)
        else:
            return None
        for name in filters:
            if name == "relative_url":
                continue  # the old baseurl has no meaning here
            if name == "absolute_url":
                text = _text(self.config.get("url")).rstrip("/") + "/" + text.lstrip("/")
            else:
                return None
        return text

    def _hugo(self, body: str, key_path: str, left: list[str]) -> str:
        body = _ESCAPED_SHORTCODE_RE.sub(lambda m: self._keep("{{" + m.group(1) + m.group(2) + m.group(3) + "}}"), body)
        out, pos = [], 0
        for match in _SHORTCODE_RE.finditer(body):
            if match.start() < pos:
                continue  # inside a highlight block already handled
            out.append(body[pos : match.start()])
            pos = match.end()
            closing, name, args = match.group(2), match.group(3), _shortcode_args(match.group(4))
            if name == "highlight" and not closing:
                end = re.compile(r"\{\{[<%]\s*/\s*highlight\s*[>%]\}\}").search(body, pos)
                if end:
                    code = body[pos : end.start()].strip("\n")
                    out.append(self._keep(f"```{args.get('0', '')}\n{code}\n```"))
                    pos = end.end()
                    continue
            out.append(self._shortcode(name, args, key_path, match.group(0), left) if not closing else match.group(0))
            if closing:
                left.append(match.group(0))
        out.append(body[pos:])
        return "".join(out)

    def _shortcode(self, name: str, args: dict, key_path: str, original: str, left: list[str]) -> str:
        if name in {"ref", "relref"}:
            target = args.get("0", "")
            path, _, anchor = target.partition("#")
            found = self._hugo_post(path, key_path)
            if not found:
                left.append(f"{original} (no such page in the site)")
                return original
            return found.old_path + (f"#{anchor}" if anchor else "")
        if name == "figure":
            alt = args.get("alt") or args.get("caption") or args.get("title") or ""
            image = f"![{_escape(alt)}]({args.get('src', '')})"
            caption = args.get("caption") or args.get("title") or ""
            return f"{image}\n\n*{_escape(caption)}*" if caption else image
        if name == "youtube":
            video = args.get("id") or args.get("0", "")
            return f"<https://www.youtube.com/watch?v={video}>"
        if name == "vimeo":
            return f"<https://vimeo.com/{args.get('id') or args.get('0', '')}>"
        if name == "tweet":
            user, tweet = args.get("user", ""), args.get("id") or args.get("0", "")
            return f"<https://twitter.com/{user or 'i/web'}/status/{tweet}>"
        left.append(original)
        return original

    def _hugo_post(self, target: str, key_path: str) -> Post | None:
        target = target.strip().lstrip("/")
        here = posixpath.dirname(key_path)
        for candidate in (
            f"file:{posixpath.normpath(posixpath.join(here, target))}",
            f"file:content/{target}",
            f"file:content/{target}.md",
            f"file:content/{target}/index.md",
            f"name:{PurePosixPath(target).stem}",
        ):
            if candidate in self.posts:
                return self.posts[candidate]
        return None

    def _local_images(self, body: str, key_path: str) -> str:
        """/images/x.png names a file of the site (Hugo's static/, Jekyll's root): point at it
        relative to the post, so the media library can bring it in (images/importing.py)."""
        folder = posixpath.dirname(key_path)
        static = "static" if self.generator == "hugo" else ""

        def replace(match: re.Match) -> str:
            relative = posixpath.join(static, match.group(2).lstrip("/"))
            if not (self.root / relative).is_file():
                return match.group(0)
            return match.group(1) + posixpath.relpath(relative, folder or ".")

        return _MARKDOWN_IMAGE_RE.sub(replace, body)


def find_site(root: Path) -> StaticSite | None:
    """The Jekyll or Hugo site whose root is `root`, or None."""
    if (root / "_config.yml").is_file():
        return _index(StaticSite(root, "jekyll", _load(root / "_config.yml")))
    for name in HUGO_CONFIGS:
        if (root / name).is_file() and (root / "content").is_dir():
            return _index(StaticSite(root, "hugo", _load(root / name)))
    return None


def _load(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise SourceError(str(path), f"the site's configuration cannot be read ({error})") from None
    return {str(key).lower() if path.suffix == ".toml" else str(key): value for key, value in (data or {}).items()}


def _index(site: StaticSite) -> StaticSite:
    """Every post's old address, by the names {% post_url %}, {% link %} and ref use for it."""
    for path in sorted(site.root.rglob("*")):
        key_path = path.relative_to(site.root).as_posix()
        if not path.is_file() or site.skip_reason(key_path):
            continue
        try:
            meta = front_matter(path.read_text(encoding="utf-8-sig"), key_path)
        except (SourceError, OSError, UnicodeDecodeError):
            continue  # the import itself reports the file
        published = _as_datetime(meta.get("date"))
        post = Post(key_path, site.old_path(key_path, meta, published))
        site.posts[f"file:{key_path}"] = post
        stem = PurePosixPath(key_path).stem
        site.posts[f"post:{stem}"] = post
        site.posts.setdefault(f"name:{PurePosixPath(key_path).parent.name if stem == 'index' else stem}", post)
    return site


def _hugo_permalinks(config: dict) -> dict[str, str]:
    permalinks = config.get("permalinks") or {}
    if isinstance(permalinks.get("page"), dict):  # Hugo 0.120+: [permalinks.page]
        permalinks = permalinks["page"]
    return {str(key): str(value) for key, value in permalinks.items() if isinstance(value, str)}


def _fill(pattern: str, values: dict[str, str]) -> str:
    path = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    return path


def _shortcode_args(text: str) -> dict[str, str]:
    args, position = {}, 0
    for match in _SHORTCODE_ARG_RE.finditer(text):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        if match.group(1):
            args[match.group(1).lower()] = value
        else:
            args[str(position)] = value
            position += 1
    return args


def _escape(text: str) -> str:
    return re.sub(r"([\\\[\]*_])", r"\\\1", text)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _word_list(value) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [str(item) for item in value] if isinstance(value, list) else []


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
