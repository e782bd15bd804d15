from html.parser import HTMLParser

import pytest

from lms.content.render import relative_targets, render_inline, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    "<embed src=https://evil.example/x>",
    "<style>body { display: none }</style>",
    '<p style="position: fixed">x</p>',
    '<span style="background: url(javascript:alert(1))">x</span>',
    "[x](javascript:alert(1))",
    "[x](JavaScript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<form action="https://evil.example"><input name=a></form>',
    '<div onmouseover="alert(1)">x</div>',
    "<!-- <script>alert(1)</script> -->",
    "[x](./javascript:alert(1))",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]
FORBIDDEN = [
    "<script", "onerror", "onclick", "onload", "onmouseover", "<iframe", "<object", "<embed",
    "<style", "style=", "javascript:", "vbscript:", "data:", "<svg", "<form", "<input", "<!--",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_dangerous_markup_never_survives(attack):
    for html in (render_markdown(attack), render_inline(attack)):
        lowered = html.lower()
        assert not [word for word in FORBIDDEN if word in lowered], html


def test_script_content_is_dropped_not_shown_as_text():
    html = render_markdown("Sebelum <script>alert('x')</script> sesudah")

    assert "alert" not in html
    assert "Sebelum" in html and "sesudah" in html


def test_tables_keep_alignment_without_style():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")

    assert "<table>" in html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_fenced_code_keeps_only_language_class():
    html = render_markdown("```python\nprint('halo')\n```\n")
    raw = render_markdown('<pre><code class="language-js evil">x</code></pre> <code class="evil">y')

    assert '<pre><code class="language-python">' in html
    assert 'class="language-js"' in raw
    assert "evil" not in raw


def test_headings_get_ids():
    html = render_markdown("## Matriks Eisenhower\n\ntext\n")

    assert '<h2 id="matriks-eisenhower">Matriks Eisenhower</h2>' in html


def test_attribute_lists_are_not_interpreted():
    html = render_markdown('## Judul {: onclick="alert(1)" }\n\nTeks {: style="color: red" }\n')

    assert _attribute_names(html) == {"id"}
    assert "{:" in html


def test_images_and_links_are_kept_with_safe_rel():
    html = render_markdown('![Bagan](https://example.org/a.png "Judul") [web](https://example.org)')

    assert '<img alt="Bagan" src="https://example.org/a.png" title="Judul">' in html
    assert '<a href="https://example.org" rel="noopener noreferrer">web</a>' in html


def test_relative_targets_resolve_against_base_dir_and_resolver():
    seen = []

    def resolve(path):
        seen.append(path)
        return f"/kursus/x/{path}"

    md = "![a](../assets/bagan%201.png) [b](02-lain.md#bagian) <a href='../assets/f.pdf'>c</a>"
    html = render_markdown(md, resolve_link=resolve, base_dir="01-dasar")

    assert seen == ["assets/bagan 1.png", "01-dasar/02-lain.md", "assets/f.pdf"]
    assert 'src="/kursus/x/assets/bagan 1.png"' in html
    assert 'href="/kursus/x/01-dasar/02-lain.md#bagian"' in html


def test_relative_target_without_resolver_emits_package_path():
    html = render_markdown("![a](../assets/a.png)", base_dir="01-dasar")

    assert 'src="assets/a.png"' in html


def test_resolver_returning_none_drops_the_target():
    html = render_markdown("[a](x.md)", resolve_link=lambda path: None)

    assert "href" not in html and ">a</a>" in html


def test_target_leaving_the_package_is_dropped():
    html = render_markdown("[a](../../etc/passwd)", base_dir="01-dasar")

    assert "href" not in html


def test_absolute_and_fragment_targets_are_left_alone():
    html = render_markdown("[a](/bantuan) [b](#bagian) [c](mailto:admin@example.go.id)",
                           resolve_link=lambda path: "WRONG", base_dir="01-dasar")

    assert 'href="/bantuan"' in html and 'href="#bagian"' in html
    assert 'href="mailto:admin@example.go.id"' in html and "WRONG" not in html


def test_render_inline_has_no_paragraph():
    assert render_inline("Apa **itu** ASN?") == "Apa <strong>itu</strong> ASN?"


def test_relative_targets_reports_lines_and_skips_code():
    md = "\n".join([
        "# Judul",
        "![a](../assets/a.png) dan [b](https://example.org)",
        "`[c](kode.md)`",
        "```",
        "[d](dalam-kode.md)",
        "```",
        '<img src="../assets/b.png"> [e](#x) [f](/abs) [g](mailto:a@b.c)',
        "[ref]: ../../luar.md",
        "[![h](../assets/h.png)](lain.md)",
    ])

    assert relative_targets(md) == [
        (2, "../assets/a.png"),
        (7, "../assets/b.png"),
        (8, "../../luar.md"),
        (9, "../assets/h.png"),
        (9, "lain.md"),
    ]


def _attribute_names(html: str) -> set[str]:
    names: set[str] = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.update(name for name, _ in attrs)

    Collector().feed(html)
    return names


def test_checklists_render_as_ballot_boxes():
    from lms.content.render import render_markdown

    html = render_markdown("- [ ] Siapkan agenda\n- [x] Undang peserta\n")
    assert "☐ Siapkan agenda" in html and "☑ Undang peserta" in html and "[ ]" not in html
