"""Writing model directories atomically: built beside the target and renamed into place only on success."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import DataError
from .cards import save_confusion_png
from .classifier import TrainResult


def write_model_dir(out: Path, result: TrainResult, card: str, plot: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=False)
    result.model.save(out, result.manifest)
    if plot and "test" in result.metrics and "confusion_matrix" in result.metrics["test"]:
        try:
            save_confusion_png(out / "confusion.png", result.metrics["test"], result.model.task)
        except ImportError:
            pass
    (out / "README.md").write_text(card, encoding="utf-8")


class AtomicDir:
    """Build a directory in a temporary sibling and rename it into place only on success."""

    def __init__(self, out: Path, force: bool) -> None:
        self.out = Path(out)
        self.force = force
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        if self.out.exists() and not self.force:
            raise DataError(f"{self.out} already exists; pass --force to replace it")
        if self.out.exists() and not self.out.is_dir():
            raise DataError(f"{self.out} exists and is not a directory")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        # mkdtemp makes the directory private (0700); a model directory is as readable as any other
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o777 & ~umask)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        try:
            if self.out.exists():
                backup = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
                os.replace(self.out, backup)
                try:
                    os.replace(self.tmp, self.out)
                except BaseException:
                    os.replace(backup, self.out)  # put the user's directory back
                    raise
                shutil.rmtree(backup, ignore_errors=True)
            else:
                os.replace(self.tmp, self.out)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

