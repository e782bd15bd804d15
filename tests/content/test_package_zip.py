import stat
import zipfile

import pytest

from lms.content import PackageInvalid, check_package, load_package
from lms.content import archive
from tests.english import english


def zip_folder(root, target, prefix=""):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(root).as_posix())
    return target


def test_zip_with_course_folder_at_root(make_package, tmp_path):
    root = make_package()
    target = zip_folder(root, tmp_path / "unggahan.zip", prefix="kursus-uji/")

    pkg = load_package(target)

    assert pkg.slug == "kursus-uji"
    assert pkg == load_package(root)


def test_zip_with_files_at_root_takes_slug_from_file_name(make_package, tmp_path):
    target = zip_folder(make_package(), tmp_path / "kursus-zip.zip")

    assert load_package(target).slug == "kursus-zip"


def test_zip_ignores_hidden_files_and_macos_metadata(make_package, tmp_path):
    target = zip_folder(make_package(), tmp_path / "kursus-zip.zip")
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr("__MACOSX/._course.md", b"\0")
        zf.writestr(".DS_Store", b"\0")
        zf.writestr("01-dasar/", b"")

    assert check_package(target) == []


def test_zip_errors_are_reported_like_content_errors(make_package, tmp_path):
    target = zip_folder(make_package({"01-dasar/01-pengantar.md": "tanpa front matter"}),
                        tmp_path / "kursus-zip.zip")

    [error] = check_package(target)
    assert (error.file, error.line) == ("01-dasar/01-pengantar.md", 1)


@pytest.mark.parametrize("name, message", [
    ("../luar.md", "leaves the package"),
    ("kursus/../../luar.md", "leaves the package"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/x.md", "absolute path"),
    ("..\\luar.md", "absolute path"),
])
def test_zip_with_unsafe_paths_is_refused(make_package, tmp_path, name, message):
    target = zip_folder(make_package(), tmp_path / "jahat.zip")
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr(name, b"x")

    with pytest.raises(PackageInvalid) as raised:
        load_package(target)

    [error] = raised.value.errors
    assert (error.file, error.line) == ("jahat.zip", 1)
    assert message in english(error) and name in english(error)
    assert not (tmp_path.parent / "luar.md").exists()


def test_zip_with_symlink_entry_is_refused(make_package, tmp_path):
    target = zip_folder(make_package(), tmp_path / "tautan.zip")
    link = zipfile.ZipInfo("assets/rahasia.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr(link, "/etc/passwd")

    [error] = check_package(target)
    assert "symbolic link" in english(error)


def test_zip_with_too_many_entries_is_refused(tmp_path):
    target = tmp_path / "banyak.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for n in range(archive.MAX_ENTRIES + 1):
            zf.writestr(f"assets/{n}.txt", b"")

    [error] = check_package(target)
    assert "2001 entries" in english(error)


def test_zip_bomb_is_refused_before_reading(make_package, tmp_path):
    target = zip_folder(make_package(), tmp_path / "bom.zip")
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("assets/nol.bin", bytes(11 * 1024 * 1024))
        zf.writestr("assets/padat.bin", bytes(2 * 1024 * 1024))

    messages = [english(e) for e in check_package(target)]

    assert messages == [
        "zip entry is larger than 10 MB: assets/nol.bin",
        "zip entry compresses over 100:1: assets/padat.bin",
    ]


def test_zip_total_size_is_limited(make_package, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    target = zip_folder(make_package({"assets/besar.txt": "x" * 1001}), tmp_path / "besar.zip")

    [error] = check_package(target)
    assert "larger than 50 MB" in english(error)


def test_corrupt_zip(tmp_path):
    target = tmp_path / "rusak.zip"
    target.write_bytes(b"PK\x03\x04 bukan zip")

    [error] = check_package(target)
    assert (error.file, error.line) == ("rusak.zip", 1)
    assert "cannot read zip" in english(error)


def test_symlink_in_folder_is_refused(make_package, tmp_path):
    (tmp_path / "rahasia.txt").write_text("x")
    root = make_package()
    (root / "assets").mkdir()
    (root / "assets" / "tautan.png").symlink_to(tmp_path / "rahasia.txt")

    [error] = check_package(root)
    assert (error.file, english(error)) == ("assets/tautan.png", "symbolic links are not allowed")
