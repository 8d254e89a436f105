"""Editor image uploads (posted as markdownx's JS does) and the media view that serves them."""

import io
import os
import re
import resource
import struct
import time
import zlib

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageCms, ImageSequence, PngImagePlugin

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
XHR = {"x-requested-with": "XMLHttpRequest"}
SCRIPT = b"<script>alert(document.cookie)</script>"
IMAGE_TYPES = {"GIF": "image/gif", "PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSIONS = {"GIF": "gif", "PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _upload(client, content: bytes, name="x.html", content_type="image/gif"):
    """Post as markdownx.js does: multipart, field "image", X-Requested-With."""
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, content, content_type)}, headers=XHR)


def _image(fmt="PNG", size=(40, 30), mode="RGB", **options) -> bytes:
    image = Image.new(mode, size, "white" if mode != "P" else 1)
    image.paste("red" if mode != "P" else 2, (0, 0, size[0] // 4, size[1] // 4))  # top-left marker
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _stored_url(response) -> str:
    assert response.status_code == 200, response.content
    # A library image (images/): its original, stored cleaned, beside its renditions.
    match = re.fullmatch(
        r"!\[Describe the image\]\(image:([0-9a-f]{16})/\d+x\d+\.(\w+)\)", response.json()["image_code"]
    )
    assert match, response.json()
    return f"/media/images/{match.group(1)}/original.{match.group(2)}"


def _stored(settings, url: str) -> bytes:
    return (settings.MEDIA_ROOT / url.removeprefix("/media/")).read_bytes()


def _png_header(width: int, height: int) -> bytes:
    """A PNG claiming any size, made in microseconds: a 1-bit IHDR and a token IDAT."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _moving_square(count: int) -> list:
    frames = []
    for index in range(count):
        frame = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
        frame.paste((255, 0, 0, 255), (index * 10, 5, index * 10 + 10, 15))
        frames.append(frame)
    return frames


def _on_white(image: Image.Image) -> Image.Image:
    """What a reader sees: the colour of fully transparent pixels does not matter."""
    return Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA")).convert("RGB")


def _media_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []


# Refused uploads --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.html", b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"),
        ("x.htm", b"<html>" + SCRIPT + b"</html>"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>"),
        ("x.txt", b"GIF89a is what a GIF starts with, but this is text"),
        ("x", b"<html>" + SCRIPT + b"</html>"),
        ("x.gif", b"GIF89a" + SCRIPT),
    ],
    ids=["html", "htm", "svg", "txt", "no-extension", "gif-name"],
)
def test_anything_but_an_image_is_refused_with_a_message(editor_client, settings, name, content):
    response = _upload(editor_client, content, name, "image/gif")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert "image_code" not in response.json()  # nothing for markdownx to insert
    assert _media_files(settings) == []


def test_svg_is_refused_by_name(editor_client):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(editor_client, svg, "logo.svg", "image/svg+xml")
    assert response.status_code == 400
    assert "SVG" in response.json()["error"]


@pytest.mark.parametrize(
    "content",
    [
        _image("PNG")[:60],  # cut short
        _image("PNG")[:33] + b"\0" * 200,  # a valid header, then garbage
        _image("JPEG", (200, 200))[:400],
        _image("GIF")[:30],
        b"\x89PNG\r\n\x1a\n" + b"\xff" * 100,
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
    ],
    ids=["truncated-png", "png-garbage", "truncated-jpeg", "truncated-gif", "png-signature", "jpeg-signature"],
)
def test_a_damaged_image_is_a_400_not_a_500(editor_client, settings, content):
    response = _upload(editor_client, content, "x.png", "image/png")
    assert response.status_code == 400
    assert response.json()["error"]
    assert _media_files(settings) == []


@pytest.mark.parametrize("size", [(30000, 30000), (12000, 12000), (7000, 7000), (65535, 65535)])
def test_too_many_pixels_are_refused_from_the_header_quickly(editor_client, settings, size):
    # 7000² is over our 40 MP, 12000² in Pillow's warning band, 30000² and 65535² beyond its hard limit.
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.process_time()
    response = _upload(editor_client, _png_header(*size), "big.png", "image/png")
    assert time.process_time() - started < 2
    # A decode would need size[0] * size[1] bytes at least (49 MB for the smallest); nothing near that was taken.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 20 * 1024
    assert response.status_code == 400
    assert "megapixels" in response.json()["error"]
    assert _media_files(settings) == []


def test_the_pixel_limit_is_a_setting(editor_client, settings):
    settings.UPLOAD_MAX_PIXELS = 30 * 30
    response = _upload(editor_client, _image("PNG", (40, 30)))
    assert response.status_code == 400
    assert response.json()["error"] == "The image is 40×30 pixels (0.0012 megapixels); the limit is 0.0009 megapixels."
    assert _upload(editor_client, _image("PNG", (30, 30))).status_code == 200


def test_the_byte_limit_is_the_upload_max_size_setting(editor_client, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024 * 1024
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))  # does not compress
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    response = _upload(editor_client, buffer.getvalue(), "noise.png", "image/png")
    assert response.status_code == 400
    assert "at most 1.0 MB" in response.json()["error"]


def test_an_animation_counts_all_its_frames_against_the_pixel_limit(editor_client, settings):
    frames = _moving_square(4)
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert _upload(editor_client, buffer.getvalue(), "anim.gif").status_code == 200
    settings.UPLOAD_MAX_PIXELS = 40 * 30 * 3
    # Other frames: the same bytes again would be the library's image, already accepted.
    backwards = io.BytesIO()
    frames[-1].save(backwards, "GIF", save_all=True, append_images=frames[-2::-1])
    response = _upload(editor_client, backwards.getvalue(), "anim.gif")
    assert response.status_code == 400
    assert "animation" in response.json()["error"]


def test_a_missing_file_field_is_a_400(editor_client):
    response = editor_client.post(UPLOAD, {}, headers=XHR)
    assert response.status_code == 400
    assert response.json()["error"]


def test_refusals_for_visitors_are_json_too(client):
    response = _upload(client, _image("PNG"))
    assert response.status_code == 403
    assert response.json()["error"]


# Stored images ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "JPEG", "WEBP"])
def test_a_real_image_named_html_is_stored_and_served_as_the_image_it_is(editor_client, settings, fmt):
    response = _upload(editor_client, _image(fmt), "x.html", "text/html")
    url = _stored_url(response)
    assert url.endswith(f".{EXTENSIONS[fmt]}")
    assert Image.open(io.BytesIO(_stored(settings, url))).format == fmt
    served = editor_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == IMAGE_TYPES[fmt]
    assert served["X-Content-Type-Options"] == "nosniff"


def test_names_come_from_the_content_not_the_client(editor_client):
    first = _stored_url(_upload(editor_client, _image("PNG"), "holiday.png", "image/png"))
    other = _stored_url(_upload(editor_client, _image("PNG", size=(41, 30)), "holiday.png", "image/png"))
    assert first != other
    assert "holiday" not in first


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_are_removed(editor_client, settings, fmt):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS IFD
    original = _image(fmt, exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    stored = _stored(settings, _stored_url(_upload(editor_client, original, "photo.jpg", "image/jpeg")))
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"PhoneMaker" not in stored
    assert b"Exif" not in stored


def test_the_exif_orientation_is_applied_to_the_pixels(editor_client, settings):
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    original = _image("JPEG", (60, 40), exif=exif.tobytes(), quality=95)
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, original, "p.jpg")))))
    assert stored.size == (40, 60)
    assert stored.getexif().get(0x0112) is None
    red, green, blue = stored.getpixel((37, 2))  # the top-left marker, turned, is now top right
    assert red > 200 > green and blue < 60


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("PNG", {"pnginfo": "text chunk"}),
        ("JPEG", {"comment": SCRIPT, "quality": 95}),
        ("GIF", {"comment": SCRIPT}),
        ("WEBP", {"lossless": True}),
    ],
)
def test_comments_text_chunks_and_appended_bytes_are_gone(editor_client, settings, fmt, options):
    if options.get("pnginfo"):
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", SCRIPT.decode())
        info.add_itxt("Description", SCRIPT.decode(), zip=False)
        options = {"pnginfo": info}
    original = _image(fmt, **options)
    assert SCRIPT in original or fmt == "WEBP"
    stored = _stored(settings, _stored_url(_upload(editor_client, original + b"<html>" + SCRIPT, "x.gif")))
    assert b"<script" not in stored
    assert b"<html" not in stored
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(stored))
    assert after.size == before.size
    if fmt != "JPEG":  # lossless formats keep every pixel
        assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


@pytest.mark.parametrize("profile", [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), b"junk" * 40])
def test_colour_profiles_are_applied_then_dropped(editor_client, settings, profile):
    original = _image("JPEG", icc_profile=profile, quality=95)
    assert Image.open(io.BytesIO(original)).info["icc_profile"] == profile
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, original, "c.jpg")))))
    assert "icc_profile" not in stored.info
    red, green, blue = stored.getpixel((1, 1))
    assert red > 240 and green < 15 and blue < 15


def test_a_cmyk_jpeg_is_stored_as_rgb(editor_client, settings):
    cmyk = Image.new("CMYK", (40, 30), (0, 0, 0, 0))  # white paper
    cmyk.paste((0, 255, 255, 0), (0, 0, 10, 10))  # magenta and yellow ink: red
    buffer = io.BytesIO()
    cmyk.save(buffer, "JPEG", quality=95)
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, buffer.getvalue(), "c.jpg")))))
    assert stored.mode == "RGB"
    red, green, blue = stored.getpixel((1, 1))
    assert red > 200 and green < 40 and blue < 40


def test_a_multi_picture_jpeg_keeps_its_main_picture_only(editor_client, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (20, 15))])
    url = _stored_url(_upload(editor_client, buffer.getvalue(), "phone.jpg"))
    stored = Image.open(io.BytesIO(_stored(settings, url)))
    assert url.endswith(".jpg")
    assert (stored.format, stored.size, getattr(stored, "n_frames", 1)) == ("JPEG", (40, 30), 1)


def test_a_large_allowed_image_keeps_its_size(editor_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # large uploads arrive as temporary files, not in memory
    original = _image("JPEG", (2400, 1600), quality=90)
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, original, "big.jpg")))))
    assert stored.size == (2400, 1600)


def test_jpeg_quality_follows_the_original(editor_client, settings):
    original = _image("JPEG", (300, 200), quality=60)
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, original, "q.jpg")))))
    assert stored.quantization == Image.open(io.BytesIO(original)).quantization


def test_palette_transparency_is_kept(editor_client, settings):
    image = Image.new("P", (40, 30), 1)
    image.putpalette([255, 0, 0, 255, 255, 255])
    image.paste(0, (0, 0, 10, 10))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=1)
    original = buffer.getvalue()
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, original, "t.png")))))
    assert stored.convert("RGBA").getpixel((30, 20))[3] == 0
    assert stored.convert("RGBA").getpixel((0, 0))[3] == 255


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_animations_keep_their_frames_timing_and_transparency(editor_client, settings, fmt):
    frames = _moving_square(3)
    buffer = io.BytesIO()
    options = {"lossless": True} if fmt == "WEBP" else {"disposal": 2} if fmt == "GIF" else {}
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0, **options)
    stored = Image.open(io.BytesIO(_stored(settings, _stored_url(_upload(editor_client, buffer.getvalue(), "a.gif")))))
    assert stored.format == fmt
    assert stored.n_frames == 3
    durations = []
    for expected, frame in zip(frames, ImageSequence.Iterator(stored), strict=True):
        frame.load()
        durations.append(frame.info["duration"])
        difference = ImageChops.difference(_on_white(expected), _on_white(frame))
        assert max(high for _, high in difference.getextrema()) < 8  # WebP is re-encoded lossy: nearly exact
    assert durations == [100, 200, 300]


# The media view ---------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings):
    settings.DEBUG = False  # as in production
    uploads = settings.MEDIA_ROOT / "uploads"
    uploads.mkdir(parents=True)
    return uploads


def test_media_is_served_with_safe_and_long_cache_headers(client, media):
    (media / "abc123.png").write_bytes(_image("PNG"))
    response = client.get("/media/uploads/abc123.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == _image("PNG")
    again = client.get("/media/uploads/abc123.png", headers={"if-modified-since": response["Last-Modified"]})
    assert again.status_code == 304


def test_media_type_comes_from_the_allow_list_not_the_content(client, media):
    # Files stored before uploads were re-encoded may hold anything; they still go out as the image type.
    (media / "old-upload.jpeg").write_bytes(b"<html>" + SCRIPT)
    response = client.get("/media/uploads/old-upload.jpeg")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["x.html", "x.htm", "x.svg", "x.txt", "x.js", "x", "x.png.html"])
def test_media_refuses_what_is_not_an_image(client, media, name):
    (media / name).write_bytes(b"<html>" + SCRIPT)
    assert client.get(f"/media/uploads/{name}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/secret.png",
        "/media/uploads/../secret.png",
        "/media/uploads/..%2fsecret.png",
        "/media/uploads/%2e%2e/secret.png",
        "/media/uploads/%2e%2e%2fsecret.png",
        "/media/uploads//etc/passwd.png",
        "/media/uploads/sub/inner.png",
        "/media/uploads/missing.png",
    ],
)
def test_media_serves_only_files_of_the_upload_folder(client, settings, media, path):
    (settings.MEDIA_ROOT / "secret.png").write_bytes(_image("PNG"))
    (media / "sub").mkdir()
    (media / "sub" / "inner.png").write_bytes(_image("PNG"))
    assert client.get(path).status_code == 404


def test_media_answers_only_reads(client, media):
    (media / "abc.png").write_bytes(_image("PNG"))
    assert client.post("/media/uploads/abc.png").status_code == 405


# The editor ---------------------------------------------------------------------------------------------------


def test_the_article_editor_loads_the_upload_error_script(editor_client, make_article):
    article = make_article()
    for page in (f"/admin/articles/article/{article.pk}/change/", "/admin/articles/article/add/"):
        response = editor_client.get(page)
        assert response.status_code == 200
        assert b'src="/static/articles/editor_uploads.js"' in response.content
        assert b'src="/static/articles/alt_text_prompt.js"' in response.content  # tests/browser: what it does
    assert finders.find("articles/editor_uploads.js")
