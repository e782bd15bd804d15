"""`lms backup` / `lms restore`: a consistent archive taken while the site writes, restored
into a fresh instance with nothing acknowledged missing; damaged archives and databases in
use are refused without changing anything."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

import lms.ops.backup
from lms.extensions import db as _db
from lms.org.models import Unit
from lms.org.services import create_unit
from tests.ops.conftest import run_cli

SETTINGS = "JP_TARGET_PPPK = 24\n"
CERTIFICATE = b"%PDF-1.7\n% a certificate scan\n"


def _prepare(site) -> None:
    """Instance keys and settings, and an uploaded file, as a real instance has them."""
    instance = Path(site.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "secret_key").write_text("k" * 64)
    (instance / "settings.py").write_text(SETTINGS)
    evidence = Path(site.config["UPLOAD_FOLDER"]) / "evidence"
    evidence.mkdir(parents=True)
    (evidence / "0123abcd.pdf").write_bytes(CERTIFICATE)


def _unit_codes(site) -> set[str]:
    with site.app_context():
        codes = set(_db.session.scalars(select(Unit.code)))
        _db.session.remove()
    return codes


def _add_unit(site, code: str) -> None:
    with site.app_context():
        create_unit(_db.session, code, f"Unit {code}", None)
        _db.session.commit()
        _db.session.remove()


class Writer(threading.Thread):
    """Creates units one commit at a time; ``acknowledged`` lists those committed."""

    def __init__(self, site) -> None:
        super().__init__(daemon=True)
        self.site, self.acknowledged = site, []
        self.stop, self.progress = threading.Event(), threading.Condition()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            with self.site.app_context():
                while not self.stop.is_set():
                    code = f"W{len(self.acknowledged) + 1}"
                    create_unit(_db.session, code, f"Unit {code}", None)
                    _db.session.commit()
                    with self.progress:
                        self.acknowledged.append(code)
                        self.progress.notify_all()
                _db.session.remove()
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        """Block until ``count`` more writes are acknowledged."""
        with self.progress:
            target = len(self.acknowledged) + count
            assert self.progress.wait_for(
                lambda: len(self.acknowledged) >= target or self.failure is not None, timeout=120)
        assert self.failure is None, self.failure


def test_backup_during_writes_restores_everything_acknowledged(
        app, make_instance, fresh_database_url, tmp_path, monkeypatch):
    source = make_instance("source")
    _prepare(source)
    writer = Writer(make_instance("writer"))
    writer.start()
    writer.wait_for(5)
    acknowledged_before_backup = list(writer.acknowledged)

    real_snapshot = lms.ops.backup.snapshot

    def snapshot_while_writing(engine, folder):
        writer.wait_for(3)  # writes go on while the backup runs...
        copy = real_snapshot(engine, folder)
        writer.wait_for(3)  # ...and after its snapshot: the site keeps serving
        return copy

    monkeypatch.setattr(lms.ops.backup, "snapshot", snapshot_while_writing)
    try:
        result = run_cli(source, "backup", str(tmp_path))
    finally:
        writer.stop.set()
        writer.join()
    assert writer.failure is None
    assert result.exit_code == 0, result.output
    archive = next(tmp_path.glob("kelas-asn-*.tar.gz"))

    fresh = make_instance("fresh", url=fresh_database_url)
    restored = run_cli(fresh, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "checksums match" in restored.output and "migrations applied" in restored.output

    codes = {c for c in _unit_codes(fresh) if c.startswith("W")}
    assert set(acknowledged_before_backup) <= codes
    # One consistent moment: exactly the first k writes, none missing in between.
    assert codes == {f"W{n}" for n in range(1, len(codes) + 1)}
    assert len(codes) < len(writer.acknowledged)

    instance = Path(fresh.instance_path)
    assert (instance / "settings.py").read_text() == SETTINGS
    assert (instance / "secret_key").read_text() == "k" * 64
    assert (Path(fresh.config["UPLOAD_FOLDER"]) / "evidence" / "0123abcd.pdf").read_bytes() \
        == CERTIFICATE


def test_manifest_lists_every_file_with_size_and_checksum(app, make_instance, tmp_path):
    source = make_instance("source")
    _prepare(source)
    archive = tmp_path / "backup.tar.gz"
    result = run_cli(source, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0  # holds the secret key: owner only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    engine = make_url(source.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    assert manifest["format"] == 1 and manifest["engine"] == engine
    assert manifest["schema_revision"] and manifest["created_at"].endswith("Z")
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed == names - {"manifest.json"}
    assert {"instance/secret_key", "instance/settings.py", "uploads/evidence/0123abcd.pdf",
            manifest["database"]} <= listed
    for entry in manifest["files"]:
        assert len(entry["sha256"]) == 64 and entry["size"] >= 0
    assert manifest["row_counts"]["competencies"] >= 1
    # A second backup to the same name is refused rather than overwriting the first.
    again = run_cli(source, "backup", str(archive))
    assert again.exit_code == 1 and "already exists" in again.output


def _damage(archive: Path, member: str, damaged: Path) -> None:
    """Copy ``archive`` with one byte of ``member`` changed and the manifest left alone."""
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w:gz") as out:
        for info in tar.getmembers():
            data = tar.extractfile(info).read()
            if info.name == member:
                data = bytes([data[0] ^ 1]) + data[1:]
            out.addfile(info, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_nothing_changes(db, make_instance, tmp_path):
    source = make_instance("source")
    _prepare(source)
    archive = tmp_path / "backup.tar.gz"
    assert run_cli(source, "backup", str(archive)).exit_code == 0
    _add_unit(source, "AFTER")
    (Path(source.instance_path) / "settings.py").write_text("JP_TARGET_PNS = 30\n")
    damaged = tmp_path / "damaged.tar.gz"
    _damage(archive, "instance/settings.py", damaged)

    db.session.rollback()
    result = run_cli(source, "restore", str(damaged), "--force")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"lms restore: {damaged}: checksum mismatch for instance/settings.py: "
        "the archive is damaged"]
    assert "AFTER" in _unit_codes(source)
    assert (Path(source.instance_path) / "settings.py").read_text() == "JP_TARGET_PNS = 30\n"

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = run_cli(source, "restore", str(truncated), "--force")
    assert result.exit_code == 1 and "not a readable backup archive" in result.output
    assert "AFTER" in _unit_codes(source)


def test_a_database_in_use_is_replaced_only_with_force(db, make_instance, tmp_path):
    source = make_instance("source")
    _add_unit(source, "BEFORE")
    archive = tmp_path / "backup.tar.gz"
    assert run_cli(source, "backup", str(archive)).exit_code == 0
    _add_unit(source, "AFTER")

    db.session.rollback()
    refused = run_cli(source, "restore", str(archive))
    assert refused.exit_code == 1
    assert "already holds data: nothing was changed" in refused.output
    assert "--force" in refused.output
    assert {"BEFORE", "AFTER"} <= _unit_codes(source)

    forced = run_cli(source, "restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.output
    codes = _unit_codes(source)
    assert "BEFORE" in codes and "AFTER" not in codes


def test_pg_dump_missing_is_one_clear_line(app, make_instance, tmp_path, monkeypatch):
    source = make_instance("source")
    if not source.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("pg_dump is only used for PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run_cli(source, "backup", str(tmp_path))
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "pg_dump is not on the PATH" in result.output and "pg_dump -Fc" in result.output
    assert not list(tmp_path.glob("*.tar.gz*"))
