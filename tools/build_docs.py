"""Build the documentation site (`make docs`): a static folder, `_docs/` by default, that opens from
`file://`.

1. Every notebook of `nbs/` goes through nbdev's own processors (hidden and exported cells out,
   `show_doc` cells added after each exported symbol, backticked names linked) and is written to
   `_proc/` as a plain notebook: no `#|` directive, `show_doc` rendered to markdown from the
   installed `cause` package (no notebook cell is run).
2. README.md becomes the page `readme`, each `docs/pages/*.md` a page, `settings` the table of every
   setting, each `figures/*.md` a page under `results/`, and `results/index` lists them and shows
   every `figures/*.png`.
3. Sphinx with myst-nb renders `_proc/` (stored outputs, never executed) with sphinx-book-theme;
   MathJax 3 and mermaid 11 come from their npm packages (`npm pack`, cached in `.cache/docs/`) and
   are served from `_static/`.

Usage: `python tools/build_docs.py [--out _docs] [--src _proc]`; needs the `docs` extra and npm
(once).
"""

import argparse, importlib, json, os, re, shutil, subprocess, sys, tarfile, tempfile, time
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
NBS, FIGURES, PROC = ROOT / "nbs", ROOT / "figures", ROOT / "_proc"
PAGES = ROOT / "docs" / "pages"  # hand-written reference pages (the README links to them)
VENDOR = (
    ROOT / ".cache" / "docs"
)  # npm tarballs, and `static/`, which docs/conf.py serves as _static/
NPM = {"mathjax": "3.2.2", "mermaid": "11.17.2"}
MATHJAX_KEEP = ("tex-chtml.js", "input/", "output/chtml/", "ui/", "a11y/", "sre/", "adaptors/")
QUARTO_TAGS = {"echo": "remove-input", "output": "remove-output", "include": "remove-cell"}
_re_directive = re.compile(r"^\s*#\|.*(?:\n|$)", re.MULTILINE)
_re_pandoc_attrs = re.compile(r"\)\{target=[^}]*\}")
_re_show_doc = re.compile(r"\s*show_doc\(\s*([\w.]*)")


def page_name(nb: Path) -> str:
    """The page of notebook `nb`: nbdev's name, so that nbdev's links resolve (`01_assets` ->
    `assets`)."""
    from nbdev.config import nbpath2html

    return nbpath2html(nb).stem


def notebooks() -> list[Path]:
    "Every notebook of nbs/, index first."
    return sorted(NBS.glob("*.ipynb"), key=lambda p: (p.stem != "index", p.name))


# the site's sections, the paper's concepts first and the infrastructure (numbered 90 and up) last
SECTIONS = {
    "The method": (5, 6, 7, 8, 9, 10),
    "Evaluating an explainer": (11, 12, 13, 14),
    "Data and the classifier M": (2, 3, 4, 17),
    "Systems it is compared with": (19, 21, 22, 23, 24, 25, 27, 28, 29, 31, 32),
    "Results": (30, 41, 42),
    "Infrastructure": (90, 91, 92, 93, 94, 95, 96, 97),
}


def sectioned(nbs: list[Path]) -> dict[str, list[Path]]:
    """The notebooks `nbs` (index aside) in their sections; a notebook in no section, or in two, is
    an error naming it.
    """
    number = {p: int(p.stem.split("_")[0]) for p in nbs if p.stem != "index"}
    out = {name: [p for p in number if number[p] in nums] for name, nums in SECTIONS.items()}
    placed = [p for ps in out.values() for p in ps]
    wrong = sorted({p.name for p in number if placed.count(p) != 1})
    if wrong:
        sys.exit(f"tools/build_docs.py: place each notebook in exactly one of SECTIONS: {wrong}")
    return out


# --- MathJax and mermaid from npm, served locally ---


def _npm_pack(names: list[str]):
    "Download the npm tarballs `names` (`pkg@version`) into VENDOR."
    if not shutil.which("npm"):
        sys.exit(
            f"npm is needed once, to fetch {names}: install Node.js and npm (apt-get install npm)"
        )
    VENDOR.mkdir(parents=True, exist_ok=True)
    cmd = ["npm", "pack", "--silent", "--pack-destination", str(VENDOR), *names]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def vendor_js() -> Path:
    """`VENDOR/static` with `mathjax/` and `mermaid/mermaid.min.js` (mermaid's non-module build runs
    from file://)."""
    static = VENDOR / "static"
    stamp = static / ".versions"
    if stamp.exists() and stamp.read_text() == json.dumps(NPM):
        return static
    tgz = {name: VENDOR / f"{name}-{version}.tgz" for name, version in NPM.items()}
    missing = [f"{name}@{NPM[name]}" for name, path in tgz.items() if not path.exists()]
    if missing:
        _npm_pack(missing)
    shutil.rmtree(static, ignore_errors=True)
    with tarfile.open(tgz["mathjax"]) as tar:
        keep = [
            m
            for m in tar.getmembers()
            if m.name.removeprefix("package/es5/").startswith(MATHJAX_KEEP)
            and m.name.startswith("package/es5/")
        ]
        for m in keep:
            m.name = "mathjax/" + m.name.removeprefix("package/es5/")
        tar.extractall(static, members=keep, filter="data")
    with tarfile.open(tgz["mermaid"]) as tar:
        m = tar.getmember("package/dist/mermaid.min.js")
        m.name = "mermaid/mermaid.min.js"
        tar.extractall(static, members=[m], filter="data")
    stamp.write_text(json.dumps(NPM))
    return static


# --- notebooks through nbdev's processors ---


def _procs() -> list:
    """nbdev's FilterDefaults less Quarto's parts (front matter, warning, code-fold) and less
    `exec_show_docs`."""
    # `exec_show_docs` executes the notebook's import cells to render show_doc: see
    # `render_show_doc` instead
    from nbdev.processors import (
        add_links,
        add_show_docs,
        ai_magics,
        clean_magics,
        filter_stream_,
        hide_,
        hide_line,
        mv_exports,
        populate_language,
        rm_export,
        rm_header_dash,
        strip_ansi,
        strip_hidden_metadata,
    )

    return [
        populate_language,
        add_show_docs,
        strip_ansi,
        hide_line,
        filter_stream_,
        rm_header_dash,
        rm_export,
        ai_magics,
        clean_magics,
        hide_,
        add_links,
        mv_exports,
        strip_hidden_metadata,
    ]


def clean_markdown(md: str, doc_url: str) -> str:
    """`md` without `#|` lines, Pandoc's link attributes or a leading `---`; nbdev's `doc_url` links
    made relative."""
    md = _re_directive.sub("", md).replace(doc_url, "").replace("#LNone)", ")")
    md = _re_pandoc_attrs.sub(")", md)
    return re.sub(r"^\s*---\s*\n", "", md)


def render_show_doc(src: str, ns: dict, doc_url: str) -> str | None:
    """The markdown of the `show_doc(...)` cell `src`, evaluated in `ns`, at the anchor nbdev links
    to.
    """
    try:
        doc = eval(src, ns)
    except Exception as e:
        print(f"warning: skipped `{src.strip()}`: {type(e).__name__}: {e}", file=sys.stderr)
        return None
    if doc is None:
        return None
    md = clean_markdown(doc._repr_markdown_(), doc_url)
    if link := re.match(r"\[source\]\((\S+)\)\n+", md):  # nbdev floats it right of the heading
        md = (
            f'<p style="float:right; font-size:smaller"><a href="{link[1]}">source</a></p>\n\n'
            + md[link.end() :]
        )
    # `__init__` in a heading is not bold
    md = re.sub(
        r"^(#+ )(.*)$", lambda m: m[1] + m[2].replace("_", r"\_"), md, count=1, flags=re.MULTILINE
    )
    # the heading's own id is nbdev's anchor (`load_classifier`) unless the name has a dot
    # (`Explainer.forward`)
    name = _re_show_doc.match(src)[1]
    return (f'<a id="{name.lower()}"></a>\n\n' if "." in name else "") + md


def _namespace(default_exp: str | None) -> dict:
    """The names `show_doc` cells of a notebook see: its exported module's, from the installed
    package.
    """
    from nbdev.showdoc import show_doc

    name = f"cause.{default_exp}" if default_exp else "cause"
    try:
        mod = importlib.import_module(name)
    except (
        ImportError
    ) as e:  # not exported yet (`make export`): its show_doc cells are skipped with a warning
        print(f"warning: cannot import {name}: {e}", file=sys.stderr)
        mod = importlib.import_module("cause")
    return {**vars(mod), "show_doc": show_doc}


def _node(o):
    "A fastcore AttrDict (nested) as nbformat's NotebookNode."
    from nbformat import from_dict

    return from_dict(json.loads(json.dumps(o)))


def _code_cell(cell, doc_url: str):
    """A code cell with its outputs, nbdev's links relative, Quarto's `echo/output/include: false`
    as tags.
    """
    import nbformat.v4 as v4

    src = _re_directive.sub("", cell.source or "").strip()
    outputs = _node(cell.get("outputs", []))
    for o in outputs:
        if "text/markdown" in o.get("data", {}):
            o.data["text/markdown"] = "".join(o.data["text/markdown"]).replace(doc_url, "")
    if not (src or outputs):
        return None
    out = v4.new_code_cell(src, outputs=outputs)
    directives = getattr(cell, "directives_", {}) or {}
    tags = [
        tag for key, tag in QUARTO_TAGS.items() if str(directives.get(key, "")).lower() == "false"
    ]
    if tags:
        out.metadata["tags"] = tags
    return out


def process_notebook(path: Path, doc_url: str, toc: str = ""):
    """Notebook `path` through nbdev's processors as a plain nbformat notebook, `toc` appended as
    markdown."""
    import nbformat.v4 as v4
    from fastcore.nbio import read_nb
    from nbdev.process import NBProcessor
    from nbdev.processors import _default_exp

    nb = read_nb(path)
    ns = _namespace(_default_exp(nb))
    NBProcessor(nb=nb, procs=_procs(), rm_directives=True).process()
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and _re_show_doc.match(cell.source or ""):
            md = render_show_doc(cell.source, ns, doc_url)
            cells.append(v4.new_markdown_cell(md) if md else None)
        elif cell.cell_type == "code":
            cells.append(_code_cell(cell, doc_url))
        elif (
            cell.cell_type == "markdown"
            and (md := clean_markdown(cell.source or "", doc_url)).strip()
        ):
            attachments = cell.get("attachments")
            cells.append(
                v4.new_markdown_cell(
                    md, **({"attachments": _node(attachments)} if attachments else {})
                )
            )
    if toc:
        cells.append(v4.new_markdown_cell(toc))
    meta = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return v4.new_notebook(cells=[c for c in cells if c], metadata=meta)


# --- README and results pages ---


def toctree(caption: str, entries: list[str], hidden=True) -> str:
    "A MyST toctree of `entries`."
    return "\n".join(
        [
            "```{toctree}",
            f":caption: {caption}",
            ":maxdepth: 1",
            *([":hidden:"] if hidden else []),
            "",
            *entries,
            "```",
            "",
        ]
    )


def results_pages(dest: Path) -> str:
    """`results/<stem>.md` for each figures/*.md and `results/index.md` that lists them and shows
    every figure.
    """
    tables = sorted(FIGURES.glob("*.md"))
    (dest / "results").mkdir()
    for md in tables:
        text = f"# {md.stem}\n\nFrom `figures/{md.name}`.\n\n" + md.read_text(encoding="utf-8")
        (dest / "results" / f"{md.stem}.md").write_text(text, encoding="utf-8")
    figs = [
        f"### {p.stem}\n\n![{p.stem}](../figures/{p.name})\n" for p in sorted(FIGURES.glob("*.png"))
    ]
    intro = (
        "# Results\n\nThe tables and figures in `figures/` when this site was built (`make "
        "reproduce` and the "
        "studies write them; the README says which command makes which).\n\n"
    )
    index = (
        intro
        + toctree("Tables", [p.stem for p in tables], hidden=False)
        + "\n## Figures\n\n"
        + "\n".join(figs)
    )
    (dest / "results" / "index.md").write_text(index, encoding="utf-8")
    return "results/index"


def reference_pages(dest: Path) -> list[str]:
    """The hand-written pages of `docs/pages/` and `settings`, the table of every setting (`cause
    settings`)."""
    from cause.config import settings_table

    names = []
    for md in sorted(PAGES.glob("*.md")):
        shutil.copy2(md, dest / md.name)
        names.append(md.stem)
    intro = (
        "# Settings\n\nEvery key of `settings.ini` and of a profile, with its default, its valid "
        "values and "
        "whether it changes results (`cause settings` prints the same table).\n\n"
    )
    (dest / "settings.md").write_text(intro + settings_table(), encoding="utf-8")
    return names + ["settings"]


def write_sources(dest: Path):
    """Every page's source in `dest`: the processed notebooks, the README, the results and the
    figures they show.
    """
    import nbformat
    from nbdev.config import get_config

    cfg = get_config()
    doc_url = urljoin(cfg.doc_host + "/", cfg.doc_baseurl).rstrip("/") + "/"
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "figures").mkdir(parents=True)
    for png in FIGURES.glob("*.png"):
        shutil.copy2(png, dest / "figures")
    shutil.copy2(ROOT / "README.md", dest / "readme.md")
    reference = ["README <readme>"] + reference_pages(dest)
    results = results_pages(dest)
    nbs = notebooks()
    toc = (
        "".join(toctree(name, [page_name(p) for p in ps]) for name, ps in sectioned(nbs).items())
        + toctree("Reference", reference)
        + toctree("Results", [results])
    )
    for path in nbs:
        try:
            nb = process_notebook(path, doc_url, toc if path.stem == "index" else "")
        except Exception as e:
            raise RuntimeError(f"nbdev's processors failed on {path.relative_to(ROOT)}") from e
        nbformat.write(nb, dest / f"{page_name(path)}.ipynb")


def build(out: Path, src: Path = PROC):
    "The site in `out`, from scratch, with the page sources written to `src`."
    from sphinx.cmd.build import build_main

    os.chdir(ROOT)  # nbdev reads its settings from the project's pyproject.toml
    t0 = time.time()
    vendor_js()
    print(f"processing {len(notebooks())} notebooks into {src}/", flush=True)
    write_sources(src)
    t1 = time.time()
    with (
        tempfile.TemporaryDirectory() as tmp
    ):  # myst-nb writes a `jupyter_execute/` beside the output folder
        html = Path(tmp) / "html"
        rc = build_main(
            [
                "-b",
                "html",
                "-q",
                "-c",
                str(ROOT / "docs"),
                "-d",
                f"{tmp}/doctrees",
                str(src),
                str(html),
            ]
        )
        if rc:
            sys.exit(f"sphinx-build failed ({rc})")
        shutil.rmtree(out, ignore_errors=True)
        shutil.move(html, out)
    n = sum(1 for p in out.rglob("*.html") if "_static" not in p.parts)
    print(
        f"wrote {out}/index.html ({n} HTML files): sources {t1 - t0:.0f} s, sphinx "
        f"{time.time() - t1:.0f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "_docs", help="the site's folder (replaced)"
    )
    parser.add_argument(
        "--src", type=Path, default=PROC, help="where the page sources are written (replaced)"
    )
    args = parser.parse_args()
    build(args.out.resolve(), args.src.resolve())
