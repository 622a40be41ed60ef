"""Fail when `nbdev-export` would change `cause/`: export a copy of the notebooks and compare file
by file.
"""

import filecmp, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def export_drift() -> list[str]:
    "Files of cause/ that a fresh nbdev-export would add, remove or change."
    with tempfile.TemporaryDirectory() as td:
        td = Path(td)
        shutil.copy(ROOT / "pyproject.toml", td)
        shutil.copytree(ROOT / "nbs", td / "nbs")
        shutil.copytree(ROOT / "cause", td / "cause", ignore=shutil.ignore_patterns("__pycache__"))
        exe = Path(sys.executable).with_name("nbdev-export")
        subprocess.run([str(exe)], cwd=td, check=True, capture_output=True)
        ours = {p.relative_to(ROOT / "cause") for p in (ROOT / "cause").rglob("*.py")}
        theirs = {p.relative_to(td / "cause") for p in (td / "cause").rglob("*.py")}
        drift = [f"only in export: {p}" for p in sorted(theirs - ours)] + [
            f"not exported: {p}" for p in sorted(ours - theirs)
        ]
        drift += [
            f"differs: cause/{p}"
            for p in sorted(ours & theirs)
            if not filecmp.cmp(ROOT / "cause" / p, td / "cause" / p, shallow=False)
        ]
        return drift


if __name__ == "__main__":
    d = export_drift()
    if d:
        print(
            "nbdev-export would change cause/ (run `make export` and commit):\n  " + "\n  ".join(d)
        )
        sys.exit(1)
    print("nbdev-export: cause/ is in sync with nbs/")
