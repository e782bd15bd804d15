"""The rendering shortcuts (lms/content/converter.py, the plain-text path of render.py, the plain
scalars of export.py) give exactly what the stock libraries give."""

import random
from pathlib import Path

import pytest
import yaml

from lms.content import render
from lms.content.converter import converter, stock_converter
from lms.content.export import _scalar

ROOT = Path(__file__).resolve().parents[2]
PIECES = [
    "*a*", "**b**", "_c_", "__d__", "`e`", "``f`` ", "\\*", "[g](h.md)", "![i](j.png)",
    "<http://x.y>", "<a@b.c>", "&amp;", "&#123;", "<b>k</b>", "  \n", "\n", "\n\n", "# H\n",
    "## H {#x}\n", "## H\n", "- l\n", "1. m\n", "> n\n", "    code\n", "```\nq\n```\n",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n", "[r]: s.md\n", "[r]", "![r]", "t ", "u", "*", "_", "[",
    "]", "(", ")", "!", "<", ">", "&", "`", "x_y_z", "***w***", "- [ ] tugas\n", "- [x] tugas\n",
]


def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "courses").rglob("*.md"))]
    rng = random.Random(15)  # the same texts on every run
    texts += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
              for _ in range(3000)]
    return texts


def test_converter_renders_as_stock_python_markdown():
    stock = stock_converter()
    for text in _texts():
        assert converter().convert(text) == stock.reset().convert(text), text


def _full(md: str) -> tuple[str, str]:
    block = render._sanitise(render._checklists(stock_converter().convert(md)), None, "")
    raw = stock_converter().convert(md)
    if raw.startswith("<p>") and raw.endswith("</p>") and raw.count("<p>") == 1:
        raw = raw[3:-4]
    return block, render._sanitise(raw, None, "")


@pytest.mark.parametrize("text", [
    "Jawaban salah", "Pertanyaan 1 modul 2: pilih yang benar.", "Benar (lihat pasal 3)/b",
    "Nilai 100% - lulus!", "Apa itu SKP?", "a", "Kata; kata, kata.",
])
def test_plain_text_shortcut_gives_the_rendered_output(text):
    assert render._PLAIN.match(text)
    assert (render.render_markdown(text), render.render_inline(text)) == _full(text)


def test_plain_text_shortcut_matches_only_texts_rendered_as_they_are():
    rng = random.Random(15)
    alphabet = "aZ09 .,;:?!()%/-#*_[]<>&`'\"\n\t"
    checked = 0
    for _ in range(20000):
        text = rng.choice("aZ1-#* ") + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        if render._PLAIN.match(text):
            checked += 1
            assert (f"<p>{text}</p>", text) == _full(text), text
    assert checked > 1000
    for text in ("1. Satu", "- butir", "# Judul", "Dua  spasi", "akhir ", "a *b*", "a_b_",
                 "<b>x</b>", "a & b", "[x](y.md)", "baris\nbaru", ""):
        assert not render._PLAIN.match(text), text


def _dumped(value):
    text = yaml.safe_dump(value, allow_unicode=True, width=2**31)
    text = text.removesuffix("\n").removesuffix("\n...").strip()
    if text.startswith("'"):
        text = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_style='"')
        text = text.removesuffix("\n").removesuffix("\n...").strip()
    return text


def test_plain_scalars_are_written_as_safe_dump_writes_them():
    rng = random.Random(15)
    alphabet = "aZyYnNoOfFtTlLe09 .,()/_-:#'\"x"
    values = [True, False, 0, 7, -3, 10**20, "yes", "No", "TRUE", "off", "Null", "y", "n",
              "Materi 1.3", "modul-2", "a  b", "a ", "Kuis: Modul 1", "#x", "1.0", "0x1F",
              "2026-12-03", "~", "=", "<<"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
               for _ in range(20000)]
    for value in values:
        assert _scalar(value) == _dumped(value), value
