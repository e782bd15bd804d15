"""The asset allow-list: by extension and by content; a page or script is never an asset."""

from __future__ import annotations

import pytest

from lms.content import check_package
from lms.content.assets import asset_content_type, asset_problem
from tests.english import ENGLISH, english

GOOD = {
    "a.png": b"\x89PNG\r\n\x1a\n" + bytes(8),
    "a.jpg": b"\xff\xd8\xff\xe0" + bytes(8),
    "a.JPEG": b"\xff\xd8\xff\xdb" + bytes(8),
    "a.gif": b"GIF89a" + bytes(8),
    "a.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "a.svg": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
    "a.pdf": b"%PDF-1.7\n",
    "a.mp3": b"ID3\x04" + bytes(8),
    "b.mp3": b"\xff\xfb\x90\x00" + bytes(8),
    "a.ogg": b"OggS" + bytes(8),
    "a.m4a": b"\x00\x00\x00\x20ftypM4A " + bytes(8),
    "a.mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(8),
    "a.webm": b"\x1a\x45\xdf\xa3" + bytes(8),
}


def _problem(path: str, data: bytes) -> str | None:
    """asset_problem's message in English."""
    found = asset_problem(path, data)
    return ENGLISH.gettext(found[0]) % found[1] if found else None


@pytest.mark.parametrize("name", sorted(GOOD))
def test_allowed_types_pass(name):
    assert _problem(f"assets/{name}", GOOD[name]) is None


@pytest.mark.parametrize("name", ["masuk.html", "x.htm", "x.js", "x.xhtml", "x.exe", "x.css",
                                  "tanpa-ekstensi", "x.svgz", "x.xml"])
def test_other_types_are_refused(name):
    assert _problem(f"assets/{name}", b"<html></html>").startswith("asset type not allowed")


def test_the_content_must_match_the_extension():
    # An HTML page renamed to .png is caught by its first bytes.
    assert "not a PNG file" in _problem("assets/foto.png", b"<html><form action=//x>")
    assert "not a PDF file" in _problem("assets/a.pdf", b"<script>alert(1)</script>")
    assert "not a SVG file" in _problem("assets/a.svg", b"<html>no svg here</html>")


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
    b'<svg><foreignObject><form action="https://evil.example"/></foreignObject></svg>',
    b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
])
def test_active_svg_is_refused(svg):
    assert "SVG with scripts" in _problem("assets/a.svg", svg)


def test_content_type_follows_the_allow_list():
    assert asset_content_type("assets/a.SVG") == "image/svg+xml"
    assert asset_content_type("assets/a.m4a") == "audio/mp4"
    assert asset_content_type("assets/masuk.html") == "application/octet-stream"


def test_check_reports_a_page_in_assets_with_file_and_message(make_package):
    errors = check_package(make_package({
        "assets/masuk.html": "<form action='https://evil.example/login'>",
        "assets/foto.png": "<html>bukan gambar</html>",
        "assets/bagan.png": GOOD["a.png"],
    }))
    assert [f"{e.file}:{e.line}: {english(e)}" for e in errors] == [
        "assets/foto.png:1: the content is not a PNG file (the extension does not match)",
        "assets/masuk.html:1: asset type not allowed; allowed: gif, jpeg, jpg, m4a, mp3, mp4, "
        "ogg, pdf, png, svg, webm, webp",
    ]
