"""Which files a package may carry in ``assets/``: an allow-list checked by extension and by
content, so that a trainer cannot host a page (HTML, a script, a scripted SVG) on the site's
own origin. Every asset is also served with ``Content-Security-Policy: sandbox``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import N_


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(prefixes)


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _iso_media(data: bytes) -> bool:
    """MP4 and M4A files start with a box whose type is ``ftyp``."""
    return data[4:8] == b"ftyp"


def _mp3(data: bytes) -> bool:
    """An ID3 tag, or straight away an MPEG audio frame header (eleven set sync bits)."""
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


_SVG_ROOT = re.compile(rb"<svg[\s>]", re.IGNORECASE)
# What would make an SVG active content if it were ever opened outside an <img>.
_SVG_ACTIVE = re.compile(
    rb"<\s*(script|foreignObject|iframe|embed|object|handler)\b|\son[a-z]+\s*=|javascript:"
    rb"|<!ENTITY",
    re.IGNORECASE,
)


def _svg(data: bytes) -> bool:
    return bool(_SVG_ROOT.search(data[:4096]))


@dataclass(frozen=True)
class AssetType:
    """An allowed kind of asset: its Content-Type and a test of its first bytes."""

    content_type: str
    looks_right: Callable[[bytes], bool]
    label: str
    inline: bool = True  # False: served as a download (browsers refuse sandboxed PDFs)


ALLOWED_ASSETS: dict[str, AssetType] = {
    "png": AssetType("image/png", _starts(b"\x89PNG\r\n\x1a\n"), "PNG"),
    "jpg": AssetType("image/jpeg", _starts(b"\xff\xd8\xff"), "JPEG"),
    "jpeg": AssetType("image/jpeg", _starts(b"\xff\xd8\xff"), "JPEG"),
    "gif": AssetType("image/gif", _starts(b"GIF87a", b"GIF89a"), "GIF"),
    "webp": AssetType("image/webp", _webp, "WebP"),
    "svg": AssetType("image/svg+xml", _svg, "SVG"),
    "pdf": AssetType("application/pdf", _starts(b"%PDF-"), "PDF", inline=False),
    "mp3": AssetType("audio/mpeg", _mp3, "MP3"),
    "ogg": AssetType("audio/ogg", _starts(b"OggS"), "Ogg"),
    "m4a": AssetType("audio/mp4", _iso_media, "M4A"),
    "mp4": AssetType("video/mp4", _iso_media, "MP4"),
    "webm": AssetType("video/webm", _starts(b"\x1a\x45\xdf\xa3"), "WebM"),
}
ALLOWED_EXTENSIONS = ", ".join(sorted(ALLOWED_ASSETS))
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


def asset_type(path: str) -> AssetType | None:
    """The allowed type of an asset path, by its extension; None when not allowed."""
    _, dot, ext = path.rpartition("/")[2].rpartition(".")
    return ALLOWED_ASSETS.get(ext.lower()) if dot else None


def asset_content_type(path: str) -> str:
    """The Content-Type to store and serve an asset with (a download type when not allowed)."""
    found = asset_type(path)
    return found.content_type if found else UNKNOWN_CONTENT_TYPE


def asset_problem(path: str, data: bytes) -> tuple[str, dict[str, str]] | None:
    """Why this asset may not be in a package (extension, content or a scripted SVG), as a
    msgid and its parameters, or None."""
    found = asset_type(path)
    if found is None:
        return N_("jenis aset tidak diizinkan; yang boleh: %(allowed)s"), {
            "allowed": ALLOWED_EXTENSIONS}
    if not found.looks_right(data):
        return N_("isinya bukan berkas %(label)s (tidak sesuai ekstensinya)"), {
            "label": found.label}
    if found.content_type == "image/svg+xml" and _SVG_ACTIVE.search(data):
        return N_("SVG berisi skrip, event handler, entitas atau konten sisipan tidak "
                  "diizinkan"), {}
    return None
