import os
from pathlib import Path
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("CAUSE_REALDATA", ROOT.parent / "shared" / "realdata"))

@pytest.fixture(scope="session")
def settings():
    from cause.config import Settings
    return Settings(ROOT / "settings.ini")
