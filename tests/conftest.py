import os
from pathlib import Path
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("REALDATA_DIR", ROOT.parent / "shared" / "realdata"))


@pytest.fixture(scope="session")
def settings():
    from cause.config import Settings

    return Settings(ROOT / "settings.ini")


def scratch_settings(folder: Path, edit=lambda text: text):
    """The repository's settings.ini (passed through `edit`) with the cache (assets only), runs and
    figures in `folder`."""
    from cause.config import Settings

    (folder / "cache").mkdir()
    os.symlink(Settings(ROOT / "settings.ini").cache_dir / "assets", folder / "cache" / "assets")
    text = (
        (ROOT / "settings.ini")
        .read_text()
        .replace("cache_dir = .cache/cause", f"cache_dir = {folder}/cache")
    )
    text = text.replace("runs_dir = runs", f"runs_dir = {folder}/runs")
    text = text.replace("figures_dir = figures", f"figures_dir = {folder}/figures")
    (folder / "settings.ini").write_text(edit(text))
    return Settings(folder / "settings.ini")
