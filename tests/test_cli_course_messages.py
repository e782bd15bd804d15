"""``lms check`` speaks the interface language (the app's default locale: Indonesian unless
configured) and warns, without failing, about Markdown shown as plain text."""

from __future__ import annotations

import shutil

from tests.conftest import ROOT, write_course

LESSON = ROOT / "tests" / "fixtures" / "markdown" / "real-world-lesson.md"


def _course_with_the_real_world_lesson(tmp_path):
    folder = write_course(tmp_path, "cadangan")
    shutil.copy(LESSON, folder / "01-dasar" / "01-pengantar.md")
    return folder


def test_check_warns_with_file_and_line_and_still_passes(runner, tmp_path):
    folder = _course_with_the_real_world_lesson(tmp_path)

    result = runner.invoke(args=["lms", "check", str(folder)])

    assert result.exit_code == 0, result.output
    lesson = f"{folder}/01-dasar/01-pengantar.md"
    warnings = [line for line in result.stderr.splitlines() if line.startswith(lesson)]
    assert [line.split(":")[1] for line in warnings] == ["41", "43", "47", "49", "51", "53"]
    assert f"{lesson}:41: peringatan: blok ':::' tidak didukung" in result.stderr
    assert f"{lesson}:51: peringatan: atribut pandoc {{#ringkasan .unnumbered}}" in result.stderr
    assert result.stdout.strip() == "1 paket valid, 6 peringatan"


def test_check_errors_are_in_indonesian_by_default(runner, tmp_path):
    folder = write_course(tmp_path, "rusak", quiz_front="passing_score: 170")
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace("passing_score: 70\n", ""))

    result = runner.invoke(args=["lms", "check", str(folder)])

    assert result.exit_code == 1
    assert f"{quiz}:4: 'passing_score' harus 0–100, bukan 170" in result.stderr


def test_check_follows_an_english_default_locale(app, runner, tmp_path):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    folder = _course_with_the_real_world_lesson(tmp_path)
    (folder / "01-dasar" / "02-lanjutan.md").write_text("---\ntitle: Lanjutan\nminutes: 0\n---\n")

    result = runner.invoke(args=["lms", "check", str(folder)])

    assert result.exit_code == 1
    assert f"{folder}/01-dasar/02-lanjutan.md:3: 'minutes' must be >= 1, got 0" in result.stderr
    assert (f"{folder}/01-dasar/01-pengantar.md:47: warning: '$$' math is not supported"
            in result.stderr)


def test_check_says_valid_in_english_too(app, runner):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    result = runner.invoke(args=["lms", "check", str(ROOT / "courses" / "manajemen-waktu")])

    assert result.exit_code == 0 and result.stdout.strip() == "1 package(s) valid"


def test_check_before_the_database_exists_says_so_in_the_default_locale(tmp_path):
    from lms import create_app

    said = {}
    for locale in ("id", "en"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / f'{locale}.db'}",
                          "SECRET_KEY": "x", "BABEL_DEFAULT_LOCALE": locale})
        result = app.test_cli_runner().invoke(
            args=["lms", "check", str(ROOT / "courses" / "manajemen-waktu")])
        assert result.exit_code == 0, result.output
        said[locale] = result.stderr.strip()

    assert said["id"] == ("Belum ada basis data (jalankan `lms init-db`): kode kompetensi tidak "
                          "dicocokkan dengan kerangka kompetensi.")
    assert said["en"] == ("No database yet (run `lms init-db`): competency codes are not "
                          "compared with the framework.")
