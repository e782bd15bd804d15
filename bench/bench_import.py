"""Measure ``lms import`` of many packages, as an operator runs it.

Usage: .venv/bin/python bench/bench_import.py [--packages 100] [--lessons 50] [--runs 3]
                                              [--database-url URL]

Writes P course packages of L lessons each into a temporary folder (modules of 10 lessons and
one five-question quiz each; lessons with front matter, headings, lists, a table, a code block,
links to other lessons and an image in assets/), then for each run starts from an empty
database (`lms init-db`) and times `lms import DIR/*` as a child process: wall time and the
CPU time of the process and its children. A second `lms import` of the same folders (every
package unchanged) is timed too. Prints the median of the runs."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LMS = Path(sys.executable).parent / "lms"
LESSONS_PER_MODULE = 10
# A 1×1 PNG: enough for the importer to store an asset and rewrite links to it.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def write_packages(root: Path, packages: int, lessons: int) -> list[Path]:
    """Write ``packages`` valid course packages of ``lessons`` lessons each under ``root``."""
    folders = []
    for p in range(1, packages + 1):
        folder = root / f"kursus-bench-{p:03d}"
        (folder / "assets").mkdir(parents=True)
        (folder / "assets" / "bagan.png").write_bytes(PNG)
        (folder / "course.md").write_text(
            f"---\ntitle: Kursus Bench {p}\nsummary: Kursus untuk mengukur impor.\njp: 4\n"
            "competencies:\n  - {code: M.03, level: 2}\n  - {code: T.01, level: 1}\n---\n"
            "Kursus ini **dibuat** oleh `bench_import.py`.\n", encoding="utf-8")
        modules = (lessons + LESSONS_PER_MODULE - 1) // LESSONS_PER_MODULE
        for m in range(1, modules + 1):
            module = folder / f"{m:02d}-modul-{m}"
            module.mkdir()
            (module / "module.md").write_text(
                f"---\ntitle: Modul {m}\nsummary: Bagian {m} dari kursus.\n---\n"
                f"Pengantar modul {m}.\n", encoding="utf-8")
            count = min(LESSONS_PER_MODULE, lessons - (m - 1) * LESSONS_PER_MODULE)
            for n in range(1, count + 1):
                (module / f"{n:02d}-materi-{m}-{n}.md").write_text(
                    _lesson(m, n, count), encoding="utf-8")
            (module / f"{count + 1:02d}-kuis-{m}.quiz.md").write_text(_quiz(m), encoding="utf-8")
        folders.append(folder)
    return folders


def _lesson(module: int, number: int, count: int) -> str:
    following = f"[materi berikutnya]({number + 1:02d}-materi-{module}-{number + 1}.md)" if (
        number < count) else "akhir modul"
    return f"""---
title: Materi {module}.{number}
minutes: {5 + number % 10}
---

## Tujuan

Setelah materi ini, peserta mampu menjelaskan **konsep {number}** dan menerapkannya dalam
pelayanan publik sehari-hari. Lihat juga {following} dan ![bagan](../assets/bagan.png).

## Langkah

1. Pahami *latar belakang* dan dasar hukum.
2. Identifikasi pemangku kepentingan:
   - pimpinan unit kerja;
   - rekan sejawat;
   - masyarakat penerima layanan.
3. Susun rencana tindak lanjut.

| Aspek | Sebelum | Sesudah |
|:------|:-------:|--------:|
| Waktu layanan | 5 hari | 2 hari |
| Kepuasan | 70 % | 85 % |

```text
Catatan: contoh format laporan {module}-{number}
```

> Ingat: setiap ASN berhak atas pengembangan kompetensi paling sedikit 20 JP per tahun.

- [ ] Baca ringkasan
- [x] Kerjakan latihan
"""


def _quiz(module: int) -> str:
    questions = []
    for q in range(1, 6):
        questions.append(f"""## Pertanyaan {q} modul {module}: pilih yang benar. {{#q-{module}-{q}}}

- [x] Jawaban **benar**
- [ ] Jawaban salah
- [ ] Jawaban lain

> Penjelasan singkat untuk pertanyaan {q}.
""")
    return (f"---\ntitle: Kuis Modul {module}\npassing_score: 70\n---\n\nJawab lima pertanyaan.\n\n"
            + "\n".join(questions))


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; (wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=int, default=100)
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        folders = write_packages(work / "src", args.packages, args.lessons)
        files = sum(1 for f in (work / "src").rglob("*.md"))
        paths = [str(f) for f in folders]
        first, again = [], []
        for run in range(args.runs):
            env = {**os.environ, "LMS_INSTANCE_PATH": str(work / f"instance-{run}"),
                   "LMS_SECRET_KEY": "bench"}
            if args.database_url:
                _reset_postgres(args.database_url)
                env["DATABASE_URL"] = args.database_url
            else:
                env.pop("DATABASE_URL", None)
            _timed([str(LMS), "init-db"], env)
            first.append(_timed([str(LMS), "import", *paths], env))
            again.append(_timed([str(LMS), "import", *paths], env))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    engine = "postgresql" if args.database_url else "sqlite"
    print(f"engine: {engine}; {args.packages} packages x {args.lessons} lessons "
          f"({files} Markdown files); {os.cpu_count()} CPUs; median of {args.runs} runs")
    print("run                     wall s    CPU s")
    for name, figures in (("import (new courses)", first), ("import again (unchanged)", again)):
        wall = statistics.median(w for w, _ in figures)
        cpu = statistics.median(c for _, c in figures)
        print(f"{name:<22} {wall:8.2f} {cpu:8.2f}")


if __name__ == "__main__":
    main()
