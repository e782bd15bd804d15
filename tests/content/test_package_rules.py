import pytest

from lms.content import Lesson, PackageInvalid, Quiz, check_package, load_package

COURSE = "course.md"
MODULE = "01-dasar/module.md"
LESSON = "01-dasar/01-pengantar.md"
QUIZ = "01-dasar/02-kuis.quiz.md"


def course_md(extra: str = "", title: str = "title: Kursus Uji\n", body: str = "Isi.\n") -> str:
    return f"---\n{title}summary: Ringkas.\njp: 2\n{extra}---\n{body}"


def lesson_md(front: str = "title: Pelajaran\n", body: str = "Isi.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def test_valid_package_loads_with_defaults(make_package):
    pkg = load_package(make_package())

    assert (pkg.slug, pkg.title, pkg.summary, pkg.jp) == ("kursus-uji", "Kursus Uji",
                                                          "Kursus kecil untuk pengujian.", 2)
    defaults = (pkg.language, pkg.kind, pkg.provider, pkg.prerequisites)
    assert defaults == ("id", "e-learning", None, ())
    assert [(c.code, c.level) for c in pkg.competencies] == [("M.04", 2)]
    assert pkg.description_md == "Deskripsi kursus."
    assert pkg.description_html == "<p>Deskripsi kursus.</p>"
    [module] = pkg.modules
    assert (module.slug, module.title, module.summary) == ("dasar", "Dasar", "")
    assert module.path == "01-dasar"
    lesson, quiz = module.items
    assert isinstance(lesson, Lesson) and isinstance(quiz, Quiz)
    assert (lesson.id, lesson.slug, lesson.minutes) == ("pengantar", "pengantar", 5)
    assert lesson.path == LESSON
    assert lesson.body_md == "Isi pelajaran."


def test_all_course_fields_are_read(make_package):
    extra = ("language: en\nkind: blended\nprovider: BKPSDM\nprerequisites: [komunikasi-publik]\n"
             "competencies:\n  - {code: SK.01, level: 5}\n  - code: T.01\n    level: 1\n")
    pkg = load_package(make_package({COURSE: course_md(extra)}))

    assert (pkg.language, pkg.kind, pkg.provider) == ("en", "blended", "BKPSDM")
    assert pkg.prerequisites == ("komunikasi-publik",)
    assert [(c.code, c.level) for c in pkg.competencies] == [("SK.01", 5), ("T.01", 1)]


def test_load_package_raises_with_every_error(make_package):
    root = make_package({
        COURSE: course_md("colour: red\n", title=""),
        LESSON: lesson_md("minutes: 0\n"),
    })

    with pytest.raises(PackageInvalid) as raised:
        load_package(root)

    assert {(e.file, e.line) for e in raised.value.errors} == {
        (COURSE, 1), (COURSE, 4), (LESSON, 1), (LESSON, 2)
    }


def test_course_slug_must_be_a_slug(problems):
    assert "not a slug" in problems({}, slug="Kursus_Uji")[(COURSE, 1)]


def test_missing_course_md(problems):
    assert "missing course.md" in problems({COURSE: None})[(COURSE, 1)]


@pytest.mark.parametrize("key", ["title", "summary", "jp"])
def test_required_course_fields(problems, key):
    text = "".join(f"{k}: {v}\n" for k, v in
                   {"title": "T", "summary": "S", "jp": 2}.items() if k != key)

    assert f"'{key}' is required" in problems({COURSE: f"---\n{text}---\n"})[(COURSE, 1)]


@pytest.mark.parametrize("extra, line, message", [
    ("jp: 0\n", 4, "'jp' must be >= 1"),
    ("language: fr\n", 5, "one of: id, en"),
    ("colour: red\n", 5, "unknown front matter key 'colour'"),
    ("provider: [a]\n", 5, "non-empty text"),
    ("competencies: M.04\n", 5, "must be a list"),
    ("competencies:\n  - {code: m4, level: 2}\n", 6, "must look like M.04"),
    ("competencies:\n  - {code: M.04, level: 2}\n  - {code: M.05, level: 6}\n", 7, "1–5"),
    ("competencies:\n  - {code: M.04, lvl: 2}\n", 6, "{code: M.04, level: 2}"),
    ("competencies:\n  - {code: M.04, level: 2}\n  - {code: M.04, level: 3}\n", 7, "listed twice"),
    ("prerequisites: komunikasi-publik\n", 5, "must be a list"),
    ("prerequisites:\n  - komunikasi-publik\n  - Bukan Slug\n", 7, "not a course slug"),
    ("prerequisites: [kursus-uji]\n", 5, "its own prerequisite"),
])
def test_course_field_errors_point_at_their_line(problems, extra, line, message):
    text = course_md(extra)
    if extra.startswith("jp"):
        text = text.replace("jp: 2\n", "")

    assert message in problems({COURSE: text})[(COURSE, line)]


def test_unknown_competency_code_when_codes_are_known(problems):
    text = course_md("competencies:\n  - {code: M.04, level: 2}\n  - {code: X.99, level: 1}\n")

    found = problems({COURSE: text}, known_competencies={"M.04"})

    assert found == {(COURSE, 7): "unknown competency code X.99"}


@pytest.mark.parametrize("text, line, message", [
    ("title: Tanpa pembuka\n", 1, "missing front matter"),
    ("---\ntitle: Tidak ditutup\n", 1, "not closed"),
    ("---\ntitle: Kursus\nsummary: a: b\njp: 2\n---\n", 3, "not valid YAML"),
    ("---\ntitle: Kursus\nsummary: [tidak ditutup\njp: 2\n---\n", 4, "not valid YAML"),
    ("---\n- sebuah\n- daftar\n---\n", 2, "must be a mapping"),
    ("---\ntitle: A\ntitle: B\nsummary: S\njp: 1\n---\n", 3, "duplicate key 'title'"),
])
def test_front_matter_syntax_errors(problems, text, line, message):
    found = problems({COURSE: text})

    assert message in found[(COURSE, line)]
    assert not any("is required" in m for m in found.values())


def test_non_utf8_file(problems):
    found = problems({LESSON: b"---\ntitle: x\n---\n\nbaris\n\xff\n"})

    assert "not UTF-8" in found[(LESSON, 6)]


@pytest.mark.parametrize("file", [MODULE, LESSON, QUIZ])
def test_unknown_keys_in_every_file_type(make_package, problems, file):
    text = (make_package() / file).read_text()
    text = text.replace("---\n", "---\nwarna: merah\n", 1)

    assert "unknown front matter key 'warna'" in problems({file: text})[(file, 2)]


def test_package_needs_a_module(problems):
    found = problems({MODULE: None, LESSON: None, QUIZ: None})

    assert "no modules" in found[(COURSE, 1)]


def test_module_needs_module_md_with_title_and_items(problems):
    found = problems({
        "02-kosong/module.md": "---\ntitle: Kosong\n---\n",
        "03-tanpa-judul/module.md": "---\nsummary: S\n---\n",
        "03-tanpa-judul/01-a.md": lesson_md("title: A\nid: a3\n"),
        "04-tanpa-module/01-b.md": lesson_md("title: B\n"),
    })

    assert "no lessons or quizzes" in found[("02-kosong/module.md", 1)]
    assert "'title' is required" in found[("03-tanpa-judul/module.md", 1)]
    assert "missing module.md" in found[("04-tanpa-module/module.md", 1)]


def test_unexpected_files_and_folders(problems):
    found = problems({
        "01-dasar/gambar.png": b"\x89PNG",
        "01-dasar/catatan.md": "# catatan\n",
        "01-dasar/sub/x.md": "x",
        "bahan/x.md": "x",
        "catatan.txt": "x",
    })

    assert "unexpected file in a module" in found[("01-dasar/gambar.png", 1)]
    assert "NN-slug.md" in found[("01-dasar/catatan.md", 1)]
    assert "sub-folder" in found[("01-dasar/sub/x.md", 1)]
    assert "unexpected folder 'bahan'" in found[("bahan/x.md", 1)]
    assert "unexpected file" in found[("catatan.txt", 1)]
    assert len(found) == 5


PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)


def test_hidden_files_readme_and_assets(make_package):
    pkg = load_package(make_package({
        "README.md": "# Tentang kursus ini\n",
        ".gitignore": "*.pyc\n",
        "01-dasar/.DS_Store": b"\0",
        ".git/config": "x",
        "assets/bagan.png": PNG,
        "assets/dok/panduan.pdf": b"%PDF-1.7",
    }))

    assert pkg.assets == {"assets/bagan.png": PNG, "assets/dok/panduan.pdf": b"%PDF-1.7"}


def test_modules_and_items_are_ordered_by_number_then_name(make_package):
    pkg = load_package(make_package({
        "10-akhir/module.md": "---\ntitle: Akhir\n---\n",
        "10-akhir/01-z.md": lesson_md("title: Z\n"),
        "002-tengah/module.md": "---\ntitle: Tengah\n---\n",
        "002-tengah/10-c.md": lesson_md("title: C\n"),
        "002-tengah/02-b.md": lesson_md("title: B\n"),
        "002-tengah/02-a.quiz.md": "---\ntitle: A\n---\n## Q\n\n= 1\n",
    }))

    assert [m.slug for m in pkg.modules] == ["dasar", "tengah", "akhir"]
    assert [i.slug for i in pkg.modules[1].items] == ["a", "b", "c"]


@pytest.mark.parametrize("front, line, message", [
    ("minutes: 5\n", 1, "'title' is required"),
    ("title: A\nminutes: 0\n", 3, "'minutes' must be >= 1"),
    ("title: A\nminutes: lima\n", 3, "whole number"),
    ("title: A\nminutes: true\n", 3, "whole number"),
    ("title: A\nid: bukan id!\n", 3, "'id' must be"),
    ("title: A\nid: -awal\n", 3, "'id' must be"),
])
def test_lesson_field_errors(problems, front, line, message):
    assert message in problems({LESSON: lesson_md(front)})[(LESSON, line)]


def test_lesson_id_defaults_to_slug_and_keeps_case(make_package):
    pkg = load_package(make_package({LESSON: lesson_md("title: A\nid: Pengantar_SPBE\n")}))

    assert pkg.items()[0].id == "Pengantar_SPBE"


def test_duplicate_item_ids_name_both_files(problems):
    found = problems({
        "01-dasar/03-pengantar.md": lesson_md("title: Lagi\n"),
        "01-dasar/04-lain.md": lesson_md("title: Lain\nid: KUIS\n"),
    })

    assert found[("01-dasar/03-pengantar.md", 1)] == f"duplicate id 'pengantar' (also in {LESSON})"
    assert found[("01-dasar/04-lain.md", 3)] == f"duplicate id 'KUIS' (also in {QUIZ})"


def test_links_must_stay_inside_the_package_and_exist(problems):
    body = "Baris satu.\n\n![bagan](../assets/ada.png)\n[keluar](../../lain/course.md)\n" \
           "![hilang](../assets/hilang.png)\n[modul](../01-dasar/) [web](https://example.org)\n"
    found = problems({
        "assets/ada.png": PNG,
        LESSON: lesson_md(body=body),
        MODULE: "---\ntitle: Dasar\n---\nLihat [ini](tidak-ada.md).\n",
        COURSE: course_md(body="\n\n[keluar](../x.md)\n"),
    })

    assert found == {
        (LESSON, 8): "link leaves the package: ../../lain/course.md",
        (LESSON, 9): "missing file: assets/hilang.png",
        (MODULE, 4): "missing file: 01-dasar/tidak-ada.md",
        (COURSE, 8): "link leaves the package: ../x.md",
    }


def test_links_in_quiz_prompts_options_and_explanations(problems):
    quiz = """---
title: Kuis
---

Pengantar ![a](../assets/a.png).

## Lihat bagan [ini](../assets/b.png)

![c](../../c.png)

- [x] [d](../assets/d.png)
- [ ] Salah

> Lihat [e](../assets/e.png).
"""
    found = problems({QUIZ: quiz, "assets/a.png": PNG})

    assert found == {
        (QUIZ, 7): "missing file: assets/b.png",
        (QUIZ, 9): "link leaves the package: ../../c.png",
        (QUIZ, 11): "missing file: assets/d.png",
        (QUIZ, 14): "missing file: assets/e.png",
    }


def test_rendered_html_uses_the_link_resolver(make_package):
    root = make_package({
        "assets/bagan.png": PNG,
        LESSON: lesson_md(body="![Bagan](../assets/bagan.png)\n\n[Kuis](02-kuis.quiz.md)\n"),
    })

    pkg = load_package(root, resolve_link=lambda path: f"/c/kursus-uji/{path}")

    html = pkg.items()[0].html
    assert 'src="/c/kursus-uji/assets/bagan.png"' in html
    assert 'href="/c/kursus-uji/01-dasar/02-kuis.quiz.md"' in html


def test_check_package_returns_nothing_for_a_valid_package(make_package):
    assert check_package(make_package()) == []


def test_unreadable_path_is_an_error(tmp_path):
    (tmp_path / "x.txt").write_text("x")

    [error] = check_package(tmp_path / "x.txt")
    assert (error.file, error.line) == ("x.txt", 1)
