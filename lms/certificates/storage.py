"""Where certificate PDFs are kept: ``<UPLOAD_FOLDER>/certificates``, one file per
certificate named by its code (``<code>.pdf``; a PDF signed with a certified electronic
signature beside it as ``<code>-tte.pdf``), written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PdfStore:
    """The folder of certificate PDFs."""

    folder: Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PdfStore:
        """The store under the configured UPLOAD_FOLDER."""
        return cls(Path(config["UPLOAD_FOLDER"]) / "certificates")

    def path(self, name: str) -> Path:
        """The file of a stored name; anything but a plain file name is refused."""
        if not name or Path(name).name != name or name.startswith("."):
            raise ValueError(f"not a stored certificate name: {name!r}")
        return self.folder / name

    def write(self, name: str, content: bytes) -> None:
        """Write ``content`` as ``name``: a reader sees the old file or the new one, whole."""
        target = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, name: str) -> bytes:
        """The stored bytes (FileNotFoundError when missing)."""
        return self.path(name).read_bytes()
