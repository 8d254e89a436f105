"""Whether an image file holds the picture and nothing else: the files uploads.py may keep as they are.

Re-encoding a JPEG or a lossy WebP is never exact: each pass changes its bytes. A file already made
of nothing but the structures a browser needs to draw it (no EXIF, XMP, comments, colour profile,
text chunks or bytes after its end) has nothing to strip, so it is kept byte for byte. That is what
makes export → import into another site → export give the same files. Only called once Pillow has
decoded the whole file within the size and pixel limits (uploads._reencode).
"""

# JPEG markers allowed: start of frame (baseline, extended, progressive), Huffman and quantisation
# tables, restart interval, start of scan, and the JFIF APP0 header. Not APP1–15 (EXIF, XMP, ICC,
# Adobe) or COM.
_SOF = {0xC0, 0xC1, 0xC2}
_JPEG_SEGMENTS = _SOF | {0xC4, 0xDB, 0xDD, 0xDA, 0xE0}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"acTL", b"fcTL", b"fdAT"}
_WEBP_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
_VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC profile, EXIF, XMP


def is_bare_image(data: bytes, extension: str) -> bool:
    check = {"jpg": _bare_jpeg, "png": _bare_png, "webp": _bare_webp}.get(extension)
    try:
        return bool(check and check(data))
    except IndexError:  # a truncated structure
        return False


def _bare_jpeg(data: bytes) -> bool:
    if not data.startswith(b"\xff\xd8"):
        return False
    i, end = 2, len(data)
    while i + 1 < end:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xD9:  # end of image: must be the end of the file
            return i + 2 == end
        if marker not in _JPEG_SEGMENTS:
            return False
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xE0 and (data[i + 4 : i + 9] != b"JFIF\x00" or length != 16):
            return False  # a longer JFIF header carries a thumbnail, which may show what was edited out
        if marker in _SOF and data[i + 9] not in (1, 3):  # grey or YCbCr; CMYK is re-encoded
            return False
        i += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart
            while True:
                i = data.find(b"\xff", i)
                if i < 0:
                    return False
                following = data[i + 1]
                if following == 0 or 0xD0 <= following <= 0xD7:
                    i += 2
                    continue
                break
    return False


def _bare_png(data: bytes) -> bool:
    if not data.startswith(_PNG_SIGNATURE):
        return False
    i, end = len(_PNG_SIGNATURE), len(data)
    while i + 8 <= end:
        length, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8]
        if kind not in _PNG_CHUNKS:
            return False
        i += 12 + length
        if kind == b"IEND":
            return i == end
    return False


def _bare_webp(data: bytes) -> bool:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or int.from_bytes(data[4:8], "little") + 8 != len(data):
        return False
    i, end = 12, len(data)
    while i + 8 <= end:
        kind, length = data[i : i + 4], int.from_bytes(data[i + 4 : i + 8], "little")
        if kind not in _WEBP_CHUNKS:
            return False
        if kind == b"VP8X" and data[i + 8] & _VP8X_METADATA_FLAGS:
            return False
        i += 8 + length + (length & 1)
    return i == end
