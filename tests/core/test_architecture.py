"""The import rules of ARCHITECTURE.md hold: every import-linter contract is kept."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the ``qms`` package under ``root`` with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         str(ROOT / ".importlinter"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_every_import_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_domain_module_reaching_into_another_breaks_the_build(tmp_path):
    """The contracts are not vacuous: a copy of the code where actions imports audits' models fails."""
    shutil.copytree(ROOT / "qms", tmp_path / "qms", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "qms" / "actions" / "probe.py").write_text("from qms.audits.models import Finding  # noqa: F401\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "qms.actions.probe -> qms.audits.models" in result.stdout
