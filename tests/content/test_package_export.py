import dataclasses

import pytest

from lms.content import load_package, package_files, write_package
from lms.content.parser import load_package_files

BASE_COURSE = "---\ntitle: Kursus\nsummary: Ringkas.\njp: 1\n---\n"

RICH_FILES = {
    "course.md": """---
title: "Kuis: Manajemen Waktu bagi ASN"
summary: Merencanakan dan memprioritaskan pekerjaan pelayanan.
language: en
jp: 4
kind: blended
provider: BKPSDM Kota Contoh
prerequisites: [komunikasi-publik, layanan-publik-digital]
competencies:
  - {code: M.04, level: 2}
  - {code: SK.01, level: 1}
---

Deskripsi dengan ![bagan](assets/bagan.png).

| Kolom | Nilai |
|-------|------:|
| JP    | 4     |
""",
    "10-prinsip-dasar/module.md": """---
title: Prinsip Dasar
summary: 'yes'
---
Pengantar modul, lihat [unduhan](../assets/bagan.png "Bagan").
""",
    "10-prinsip-dasar/05-mengapa.md": """---
id: Mengapa_Waktu
title: Mengapa waktu penting?
minutes: 10
---


## Bagian satu

Teks dengan `kode` dan **tebal**.

```python
print("halo")
```
""",
    "10-prinsip-dasar/07-kuis-prinsip.quiz.md": """---
title: Kuis Prinsip
passing_score: 80
shuffle: true
scoring: partial
---
Pengantar kuis.

## Tugas mana yang termasuk "penting dan mendesak"? {#q-kuadran}

- [ ] Membalas obrolan grup
- [x] Menyelesaikan laporan yang tenggatnya hari ini

> Tenggat hari ini.
>
> Paragraf kedua.

## Pilih semua ciri komunikasi publik yang baik. {points=2}

Perhatikan gambar:

![gambar](../assets/bagan.png)

* [X] Jelas
* [x] Empatik
* [ ] Bertele-tele

## Berapa nilai pi? {points=3 #q-pi}

= 3,14 ± 0.01
= 3.14
""",
    "20-tanpa-intro/module.md": "---\ntitle: Tanpa Intro\n---\n",
    "20-tanpa-intro/01-satu.md": "---\ntitle: Satu\n---\n",
    "assets/bagan.png": b"\x89PNG\r\n\x1a\n",
}

@pytest.fixture
def rich_package(make_package):
    files = {**{k: None for k in ("01-dasar/module.md", "01-dasar/01-pengantar.md",
                                  "01-dasar/02-kuis.quiz.md")}, **RICH_FILES}
    return load_package(make_package(files, slug="manajemen-waktu"))


def test_export_load_export_is_byte_identical(rich_package):
    exported = package_files(rich_package)

    again = package_files(load_package_files("manajemen-waktu", exported))

    assert again == exported


def test_load_of_export_keeps_all_authored_data(rich_package, authored):
    reloaded = load_package_files("manajemen-waktu", package_files(rich_package))

    assert authored(reloaded) == authored(rich_package)
    assert reloaded.assets == rich_package.assets
    assert [q.id for q in reloaded.items()[1].questions] == ["q-kuadran", "kuis-prinsip-2", "q-pi"]


def test_exported_package_is_a_fixed_point(rich_package):
    canonical = load_package_files("manajemen-waktu", package_files(rich_package))

    assert load_package_files("manajemen-waktu", package_files(canonical)) == canonical


def test_export_is_canonical(rich_package):
    files = package_files(rich_package)

    assert list(files) == [
        "course.md",
        "01-prinsip-dasar/module.md",
        "01-prinsip-dasar/01-mengapa.md",
        "01-prinsip-dasar/02-kuis-prinsip.quiz.md",
        "02-tanpa-intro/module.md",
        "02-tanpa-intro/01-satu.md",
        "assets/bagan.png",
    ]
    course = files["course.md"].decode()
    assert course.startswith(
        '---\ntitle: "Kuis: Manajemen Waktu bagi ASN"\n'
        "summary: Merencanakan dan memprioritaskan pekerjaan pelayanan.\nlanguage: en\njp: 4\n"
        "competencies:\n  - {code: M.04, level: 2}\n  - {code: SK.01, level: 1}\n"
        "kind: blended\nprovider: BKPSDM Kota Contoh\n"
        "prerequisites: [komunikasi-publik, layanan-publik-digital]\n---\nDeskripsi"
    )
    assert files["01-prinsip-dasar/module.md"].decode() == (
        '---\ntitle: Prinsip Dasar\nsummary: "yes"\n---\n'
        'Pengantar modul, lihat [unduhan](../assets/bagan.png "Bagan").\n'
    )
    assert files["02-tanpa-intro/01-satu.md"] == b"---\ntitle: Satu\nid: satu\n---\n"
    assert files["01-prinsip-dasar/01-mengapa.md"].decode().startswith(
        "---\ntitle: Mengapa waktu penting?\nminutes: 10\nid: Mengapa_Waktu\n---\n## Bagian satu\n"
    )
    quiz = files["01-prinsip-dasar/02-kuis-prinsip.quiz.md"].decode()
    assert quiz.startswith(
        "---\ntitle: Kuis Prinsip\nid: kuis-prinsip\npassing_score: 80\nmax_attempts: 0\n"
        "shuffle: true\ntime_limit_minutes: 0\nrequired: true\nscoring: partial\n---\n"
        "Pengantar kuis.\n\n## Tugas mana"
    )
    assert "\n## Pilih semua ciri komunikasi publik yang baik. {#kuis-prinsip-2 points=2}\n" in quiz
    assert "\n- [x] Jelas\n- [x] Empatik\n- [ ] Bertele-tele\n" in quiz
    assert "\n> Tenggat hari ini.\n>\n> Paragraf kedua.\n" in quiz
    assert quiz.endswith("## Berapa nilai pi? {#q-pi points=3}\n\n= 3,14 ± 0.01\n= 3.14\n")


def test_export_rewrites_links_into_renumbered_files(make_package):
    root = make_package({
        "course.md": BASE_COURSE + "Mulai [modul](07-dasar/) dan [ini](07-dasar/05-a.md#awal).\n",
        "01-dasar/module.md": None,
        "01-dasar/01-pengantar.md": None,
        "01-dasar/02-kuis.quiz.md": None,
        "07-dasar/module.md": "---\ntitle: Dasar\n---\nLihat [A](./05-a.md) dan `[k](05-a.md)`.\n",
        "07-dasar/05-a.md": "---\ntitle: A\n---\n[B](../09-lanjut/03-b.md) ![x](../assets/x.png)\n",
        "09-lanjut/module.md": "---\ntitle: Lanjut\n---\n<a href='../07-dasar/module.md'>m</a>\n",
        "09-lanjut/03-b.md": "---\ntitle: B\n---\nKembali ke [A](../07-dasar/05-a.md).\n",
        "09-lanjut/04-k.quiz.md": (
            "---\ntitle: K\n---\n## Baca [A](../07-dasar/05-a.md)\n\n"
            "- [x] [B](03-b.md)\n- [ ] C\n\n> Lihat [A](../07-dasar/05-a.md)\n"
        ),
        "assets/x.png": b"\x89PNG\r\n\x1a\n",
    })
    pkg = load_package(root)

    files = package_files(pkg)

    text = {path: data.decode() for path, data in files.items() if path.endswith(".md")}
    assert "[modul](01-dasar) dan [ini](01-dasar/01-a.md#awal)" in text["course.md"]
    assert "Lihat [A](01-a.md) dan `[k](05-a.md)`." in text["01-dasar/module.md"]
    assert "[B](../02-lanjut/01-b.md) ![x](../assets/x.png)" in text["01-dasar/01-a.md"]
    assert "<a href='01-dasar/module.md'>" not in text["02-lanjut/module.md"]
    assert "<a href='../01-dasar/module.md'>m</a>" in text["02-lanjut/module.md"]
    assert "---\n\n## Baca [A](../01-dasar/01-a.md) {#k-1}\n" in text["02-lanjut/02-k.quiz.md"]
    assert "- [x] [B](01-b.md)" in text["02-lanjut/02-k.quiz.md"]
    assert "> Lihat [A](../01-dasar/01-a.md)" in text["02-lanjut/02-k.quiz.md"]
    assert package_files(load_package_files(pkg.slug, files)) == files


def test_exported_question_ids_become_explicit(rich_package):
    reloaded = load_package_files("manajemen-waktu", package_files(rich_package))

    assert all(q.id_explicit for q in reloaded.items()[1].questions)


def test_write_package_writes_a_loadable_folder(rich_package, tmp_path, authored):
    dest = tmp_path / "ekspor" / "manajemen-waktu"

    write_package(rich_package, dest)

    assert (dest / "assets" / "bagan.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert authored(load_package(dest)) == authored(rich_package)


def test_write_package_refuses_a_non_empty_folder(rich_package, tmp_path):
    (tmp_path / "ada.txt").write_text("x")

    with pytest.raises(FileExistsError):
        write_package(rich_package, tmp_path)

    empty = tmp_path / "kosong"
    empty.mkdir()
    write_package(rich_package, empty)
    assert (empty / "course.md").exists()


def test_export_does_not_depend_on_stored_paths(rich_package):
    def without_paths(module):
        items = tuple(dataclasses.replace(item, path="") for item in module.items)
        return dataclasses.replace(module, path="", items=items)

    modules = tuple(without_paths(m) for m in rich_package.modules)
    built_in_memory = dataclasses.replace(rich_package, modules=modules)

    assert list(package_files(built_in_memory)) == list(package_files(rich_package))
