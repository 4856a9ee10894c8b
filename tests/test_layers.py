"""The layers contract (pyproject.toml, [tool.importlinter]): kept by the code, broken by an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, env={"PYTHONPATH": str(where)}
    )


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "organizer", tmp_path / "organizer", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_the_layers(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "Features point down only KEPT" in result.stdout


def test_an_upward_import_breaks_the_build(tmp_path):
    where = _copy(tmp_path)
    models = where / "organizer" / "residents" / "models.py"
    # Residents reaching up into turfs: what the contract exists to refuse.
    models.write_text(models.read_text() + "\nfrom organizer.turfs.models import Turf  # noqa: E402, F401\n")
    result = _lint(where)
    assert result.returncode != 0
    assert "Features point down only BROKEN" in result.stdout
    assert "organizer.residents.models -> organizer.turfs.models" in result.stdout


def test_the_kernel_may_not_import_a_feature(tmp_path):
    where = _copy(tmp_path)
    kernel = where / "organizer" / "kernel" / "time.py"
    kernel.write_text(kernel.read_text() + "\nfrom organizer.residents import models  # noqa: E402, F401\n")
    result = _lint(where)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
