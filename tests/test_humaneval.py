"""The human-evaluation page in a real browser: headless Chromium fills in every rating, exports the
CSV through the page's Blob download, and `read_annotations` reads back exactly what was clicked."""

import os
import random
import shutil
import time
from pathlib import Path

import pytest

from cause.humaneval import EXAMPLE, SCALES, load_items, read_annotations, read_key, write_study

SETUP = (
    "as root, apt-get install chromium chromium-driver (.ci/run does it); "
    "selenium comes with `make setup`"
)


def missing(msg: str):
    "Skip, except in CI (`CI` set), where a missing browser must not pass unseen."
    (pytest.fail if os.environ.get("CI") else pytest.skip)(msg)


def find_browser() -> tuple[str, str]:
    "Paths of Chromium and chromedriver; skips (fails in CI) when either is missing."
    browser = next(
        filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None
    )
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        missing(
            f"headless browser test needs chromium and chromedriver (found {browser}, {driver}): "
            f"{SETUP}"
        )
    return browser, driver


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> tuple[Path, Path]:
    "The example study's page and key, written afresh."
    return write_study(
        load_items(EXAMPLE / "items.json"), tmp_path_factory.mktemp("study"), "Browser test"
    )


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium whose downloads land in `tmp_path / 'downloads'` (never asks, never goes
    online)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing(f"selenium is missing: {SETUP}")
    binary, driver_path = find_browser()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
        opts.add_argument(arg)
    opts.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver_path))
    driver.downloads = downloads
    yield driver
    driver.quit()


def rate(driver, ratings: dict):
    "Click the radio button of every (item index, letter, scale) -> rating."
    for (i, letter, scale), value in ratings.items():
        driver.find_element(
            "css selector", f'input[name="r-{i}-{letter}-{scale}"][value="{value}"]'
        ).click()


def all_ratings(key: dict, seed: int = 0) -> dict:
    "A random rating for every explanation and scale of the study."
    rng = random.Random(seed)
    return {
        (i, x, s): rng.randint(1, 5)
        for i, letters in enumerate(key.values())
        for x in letters
        for s in SCALES
    }


def wait_for_download(folder: Path, timeout: float = 15) -> Path:
    "The one finished CSV in `folder` (Chrome writes a hidden or `.crdownload` file first)."
    end = time.time() + timeout
    while time.time() < end:
        names = [p.name for p in folder.iterdir()]
        done = [n for n in names if n.endswith(".csv")]
        if len(done) == 1 and len(names) == 1:
            return folder / done[0]
        time.sleep(0.1)
    raise AssertionError(f"no download in {folder} after {timeout} s")


def test_ratings_clicked_in_the_browser_round_trip_through_the_csv(browser, study):
    page, key_path = study
    key = read_key(key_path)
    browser.get(page.as_uri())
    ratings = all_ratings(key)
    rate(browser, ratings)
    browser.find_element("id", "annotator").send_keys("tester 1")
    browser.find_element("id", "export").click()
    csv_path = wait_for_download(browser.downloads)
    assert csv_path.name == "ratings_tester_1.csv"
    assert (
        "Exported the ratings of 12 explanations as ratings_tester_1.csv"
        in browser.find_element("id", "message").text
    )
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "annotator,item_id,candidate,relatedness,fluency"
    assert lines[1].startswith("tester 1,vqa-1,A,")
    df = read_annotations(csv_path, key_path)
    assert len(df) == 12 and set(df.annotator) == {"tester 1"}
    ids = list(key)
    got = {
        (ids.index(r.item_id), r.candidate, s): getattr(r, s)
        for r in df.itertuples()
        for s in SCALES
    }
    assert got == ratings
    assert set(df.explainer) == {"cause", "phi"}


def test_incomplete_ratings_are_listed_and_nothing_is_exported(browser, study):
    page, key_path = study
    key = read_key(key_path)
    browser.get(page.as_uri())
    ratings = all_ratings(key)
    del ratings[1, "B", "fluency"], ratings[4, "A", "relatedness"], ratings[4, "B", "relatedness"]
    rate(browser, ratings)
    browser.find_element("id", "export").click()
    message = browser.find_element("id", "message")
    assert "Not exported" in message.text
    assert "Annotator id: not entered" in message.text
    assert "Item 2 (vqa-2): explanation B: fluency" in message.text
    assert "Item 5 (ve-2): explanation A: relatedness; explanation B: relatedness" in message.text
    assert "vqa-1" not in message.text
    marked = [
        e.get_attribute("id") for e in browser.find_elements("css selector", ".item.incomplete")
    ]
    assert marked == ["item-1", "item-4"]
    browser.find_element("id", "annotator").send_keys("tester 2")
    rate(browser, {(1, "B", "fluency"): 2})
    browser.find_element("id", "export").click()
    assert "Item 5 (ve-2)" in message.text and "Item 2" not in message.text
    assert [
        e.get_attribute("id") for e in browser.find_elements("css selector", ".item.incomplete")
    ] == ["item-4"]
    time.sleep(0.5)
    assert list(browser.downloads.iterdir()) == []
    rate(browser, {(4, "A", "relatedness"): 5, (4, "B", "relatedness"): 1})
    browser.find_element("id", "export").click()
    df = read_annotations(wait_for_download(browser.downloads), key_path)
    assert df.set_index(["item_id", "candidate"]).loc[("ve-2", "A"), "relatedness"] == 5
