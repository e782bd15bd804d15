"""The importer parses each package once, in a pool of processes when there are several, and
stores exactly what a one-process parse gives."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from lms.content import PackageInvalid, frontmatter
from lms.courses.importer import import_context, import_packages, parse_packages
from lms.courses.models import Course, Item
from tests.conftest import ROOT, write_course

STARTERS = sorted(p for p in (ROOT / "courses").iterdir() if (p / "course.md").exists())


def _linked_course(root, slug="bertaut"):
    """A course whose first lesson links to a later lesson (with an id of its own) and to an
    image: the links need every item's id before the first lesson is rendered."""
    folder = write_course(root, slug, lesson_body=(
        "Lanjut ke [materi kedua](02-lanjutan.md#bagian) dan lihat ![bagan](../assets/bagan.png)."))
    lesson = folder / "01-dasar" / "02-lanjutan.md"
    lesson.write_text(lesson.read_text().replace("title: Lanjutan", "title: Lanjutan\nid: materi-2"))
    (folder / "assets").mkdir()
    (folder / "assets" / "bagan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_a_pool_of_processes_parses_exactly_as_one_process(db, tmp_path):
    paths = [*STARTERS, _linked_course(tmp_path), write_course(tmp_path, "kursus-lain")]
    context = import_context(db.session)
    alone = parse_packages(paths, context, processes=1)
    assert parse_packages(paths, context, processes=2) == alone
    assert all(not isinstance(parsed, list) for parsed in alone)


def test_links_between_lessons_resolve_in_one_parse(db, tmp_path):
    folder = _linked_course(tmp_path)
    import_packages(db.session, [folder])
    body = db.session.scalar(select(Item.body_html).where(Item.key == "pengantar"))
    assert 'href="/kursus/bertaut/materi/materi-2#bagian"' in body
    assert 'src="/kursus/bertaut/v1/assets/bagan.png"' in body
    # The next version's assets are addressed by its own number.
    (folder / "01-dasar" / "01-pengantar.md").write_text(
        (folder / "01-dasar" / "01-pengantar.md").read_text().replace("Lanjut", "Terus"))
    import_packages(db.session, [folder])
    bodies = db.session.scalars(select(Item.body_html).where(Item.key == "pengantar")).all()
    assert any('src="/kursus/bertaut/v2/assets/bagan.png"' in b for b in bodies)


def test_parallel_import_is_still_all_or_nothing(db, tmp_path):
    good = [write_course(tmp_path, f"baik-{n}") for n in range(4)]
    bad = write_course(tmp_path, "buruk")
    (bad / "course.md").write_text("---\ntitle: Tanpa JP\nsummary: x\n---\n")
    with pytest.raises(PackageInvalid) as raised:
        import_packages(db.session, [*good, bad], processes=2)
    assert [str(e) for e in raised.value.errors] == [f"{bad}/course.md:1: 'jp' wajib diisi"]
    assert db.session.scalar(select(Course)) is None
    results = import_packages(db.session, good, processes=2)
    assert [(r.slug, r.status) for r in results] == [(f"baik-{n}", "created") for n in range(4)]


def test_front_matter_uses_libyaml_when_pyyaml_has_it():
    if getattr(yaml, "__with_libyaml__", False):
        assert frontmatter._FAST_LOADER is yaml.CSafeLoader


def test_an_unchanged_package_is_hashed_without_being_rendered(db, tmp_path):
    folder = _linked_course(tmp_path)
    changed = write_course(tmp_path, "berubah")
    import_packages(db.session, [folder, changed])
    lesson = changed / "01-dasar" / "01-pengantar.md"
    lesson.write_text(lesson.read_text() + "\nKalimat baru.\n")
    context = import_context(db.session)
    same, other = parse_packages([folder, changed], context, processes=1)
    assert not same.rendered and other.rendered
    assert same.package.modules[0].items[0].html == ""
    assert "Kalimat baru." in other.package.modules[0].items[0].html
    results = import_packages(db.session, [folder, changed])
    assert [(r.slug, r.version, r.status) for r in results] == [
        ("bertaut", 1, "unchanged"), ("berubah", 2, "published")]


def test_a_package_published_meanwhile_is_rendered_before_it_is_stored(db, tmp_path,
                                                                       monkeypatch):
    # The import read the current version's hash, then another import published a version
    # with other content: the package the first one took for unchanged is rendered and stored.
    from lms.courses import importer

    folder = _linked_course(tmp_path)
    import_packages(db.session, [folder])
    stale = import_context(db.session)
    lesson = folder / "01-dasar" / "01-pengantar.md"
    original = lesson.read_text()
    lesson.write_text(original.replace("Lanjut", "Terus"))
    import_packages(db.session, [folder])
    lesson.write_text(original)
    contexts = iter([stale])
    fresh = importer.import_context
    monkeypatch.setattr(importer, "import_context",
                        lambda session: next(contexts, None) or fresh(session))
    [result] = import_packages(db.session, [folder])
    assert (result.version, result.status) == (3, "published")
    stored = db.session.scalars(select(Item.body_html).where(Item.key == "pengantar")).all()
    assert len(stored) == 3 and all('href="/kursus/bertaut/materi/materi-2#bagian"' in b
                                    for b in stored)
    assert any('src="/kursus/bertaut/v3/assets/bagan.png"' in b for b in stored)
