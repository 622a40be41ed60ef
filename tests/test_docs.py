"""The documentation site (`make docs`) in a real browser: tools/build_docs.py builds it once into a
temporary folder, python's http.server serves it on 127.0.0.1 and headless Chromium renders its
pages (MathJax and mermaid run)."""

import functools, importlib, importlib.util, inspect, io, json, os, re, shutil
import subprocess, sys, threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group(
    "docs"
)  # one worker builds the site once (`make pytest`: --dist loadgroup)

ROOT = Path(__file__).resolve().parents[1]
NBS, FIGURES = ROOT / "nbs", ROOT / "figures"
DOCS_PKGS = ["sphinx", "myst_nb", "sphinx_book_theme", "sphinxcontrib.mermaid"]
BROWSER = "apt-get install chromium chromium-driver (as root; .ci/run does it)"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--dump-dom",
    "--virtual-time-budget=10000",
]


def missing(msg: str):
    "Skip, except in CI (`CI` set), where a missing browser or package must not pass unseen."
    (pytest.fail if os.environ.get("CI") else pytest.skip)(msg)


def chromium() -> str:
    "Path of Chromium (or Chrome)."
    browser = next(
        filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None
    )
    if not browser:
        missing(f"the docs browser test needs Chromium: {BROWSER}")
    return browser


def page_of(nb: Path) -> str:
    """The page notebook `nb` becomes: nbdev's name, without the number (`01_assets` ->
    `assets.html`).
    """
    return re.sub(r"^\d+[a-zA-Z0-9]*_", "", nb.stem.lower()) + ".html"


def markdown(nb: Path) -> str:
    "The markdown cells of notebook `nb`, joined."
    return "\n".join(
        "".join(c["source"])
        for c in json.loads(nb.read_text())["cells"]
        if c["cell_type"] == "markdown"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    "The site, built once from the working tree."
    absent = [m for m in DOCS_PKGS if importlib.util.find_spec(m.split(".")[0]) is None]
    if absent:
        missing(
            f"building the docs needs {absent}: `make docs` installs them (pip install -e "
            "'.[docs]')"
        )
    tmp = tmp_path_factory.mktemp("docs")
    run = subprocess.run(
        [
            sys.executable,
            "tools/build_docs.py",
            "--out",
            str(tmp / "site"),
            "--src",
            str(tmp / "src"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp / "site"


@pytest.fixture(scope="module")
def server(site):
    """Base URL of the site served by http.server on 127.0.0.1 (a real origin, as a web host gives
    it).
    """

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    "The DOM of a URL after headless Chromium ran its scripts."
    browser, profile = chromium(), tmp_path_factory.mktemp("chromium")

    def dom(url: str) -> str:
        run = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", url],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert run.returncode == 0 and "</html>" in run.stdout, run.stderr[-2000:]
        return run.stdout

    return dom


def html_pages(site: Path) -> list[Path]:
    "The site's pages: its HTML files less Sphinx's index and search pages and the theme's files."
    return [
        p
        for p in site.rglob("*.html")
        if p.name not in ("genindex.html", "search.html")
        and p.relative_to(site).parts[0] != "_static"
    ]


def test_one_page_per_notebook_plus_the_readme_and_the_results(site):
    notebooks, tables = sorted(NBS.glob("*.ipynb")), sorted(FIGURES.glob("*.md"))
    guides = sorted((ROOT / "docs" / "pages").glob("*.md"))
    pages = {p.relative_to(site).as_posix() for p in html_pages(site)}
    assert len(pages) == len(notebooks) + 3 + len(guides) + len(tables)
    extra = {"readme.html", "settings.html", "results/index.html"} | {
        f"{g.stem}.html" for g in guides
    }
    extra |= {f"results/{t.stem}.html" for t in tables}
    assert pages == {page_of(nb) for nb in notebooks} | extra


def test_no_page_shows_a_directive_or_a_show_doc_call(site):
    for page in html_pages(site):
        text = page.read_text()
        assert "#|" not in text and "show_doc(" not in text, page


def test_hidden_and_exported_cells_are_not_shown(site):
    """No `#| hide` or `#| export` cell's code reaches a page: exported symbols appear as their API
    docs."""
    for nb in sorted(NBS.glob("*.ipynb")):
        page = json.loads((site.parent / "src" / page_of(nb)).with_suffix(".ipynb").read_text())
        shown = {"".join(c["source"]).strip() for c in page["cells"] if c["cell_type"] == "code"}
        for cell in json.loads(nb.read_text())["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "code" and re.match(r"#\|\s*(hide|export)\s*\n", src):
                body = re.sub(r"^\s*#\|.*\n?", "", src, flags=re.MULTILINE).strip()
                assert not body or body not in shown, f"{nb.name}: shows\n{src}"


def test_every_exported_symbol_has_its_api_doc_where_nbdev_links_it(site):
    """Each public function and class of each module, at the anchor of `cause._modidx` (where
    nbdev's links point).
    """
    from cause._modidx import d

    for mod_name, syms in d["syms"].items():
        mod = importlib.import_module(mod_name)
        for name, (url, _) in syms.items():
            short = name.removeprefix(mod_name + ".")
            obj = getattr(mod, short, None)
            if short not in getattr(mod, "__all__", []) or not (
                inspect.isfunction(obj) or inspect.isclass(obj)
            ):
                continue
            page, anchor = url.split("#")
            assert f'id="{anchor}"' in (site / page).read_text(), f"{name}: no API doc at {url}"


def test_nbdev_links_between_pages_resolve(site):
    """nbdev links backticked names to `doc_host` pages: the build makes them relative, and their
    anchors exist."""
    ids = {p.resolve(): set(re.findall(r'id="([^"]+)"', p.read_text())) for p in html_pages(site)}
    links = [
        (page, *link)
        for page in ids
        for link in re.findall(r'href="([^"#:]+\.html)#([^"]+)"', page.read_text())
    ]
    assert links
    for page, target, anchor in links:
        if not anchor.startswith("_"):  # nbdev also links private names, which have no API doc
            assert anchor in ids.get((page.parent / target).resolve(), set()), (
                f"{page.name}: {target}#{anchor}"
            )


def test_math_is_typeset(render, site, server):
    pages = [page_of(nb) for nb in sorted(NBS.glob("*.ipynb")) if "$$" in markdown(nb)]
    assert pages, "no notebook has display math ($$) any more: pick another check"
    for page in pages:
        assert "<mjx-container" in render(server + page), f"MathJax did not typeset {page}"


def test_the_index_mermaid_diagram_renders_over_http_and_from_file(render, site, server):
    assert "```mermaid" in markdown(NBS / "index.ipynb")
    for url in [server + "index.html", (site / "index.html").as_uri()]:
        assert re.search(r'<svg[^>]*aria-roledescription="flowchart', render(url)), (
            f"mermaid did not render at {url}"
        )


def test_an_output_figure_loads(render, site, server):
    from PIL import Image

    nb = next(nb for nb in sorted(NBS.glob("*.ipynb")) if '"image/png"' in nb.read_text())
    dom = render(server + page_of(nb))
    srcs = re.findall(r'<img[^>]*src="(_images/[^"]+\.png)"', dom)
    assert srcs, f"no output image on {page_of(nb)}"
    with urllib.request.urlopen(server + srcs[0]) as r:
        data = r.read()
    assert data and min(Image.open(io.BytesIO(data)).size) > 0
