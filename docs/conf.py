"""Sphinx configuration of the documentation site. The sources are `_proc/`, written by tools/build_docs.py
(`make docs`): notebooks are rendered with their stored outputs, never executed."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

project = "cause"
author = "cause developers"
copyright = "cause developers"
html_title = "cause"

extensions = ["myst_nb", "sphinxcontrib.mermaid"]
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3
myst_all_links_external = True   # nbdev links pages as `data.html#example`: keep them as written
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_theme_options = {"show_toc_level": 2, "home_page_in_toc": True}
html_copy_source = False
html_show_sourcelink = False
# MathJax and mermaid from their npm packages (tools/build_docs.py unpacks them here), so the site works offline
html_static_path = [str(ROOT / ".cache" / "docs" / "static")]
mathjax_path = "mathjax/tex-chtml.js"
mermaid_output_format = "raw"


def _mermaid_classic_script(app, pagename, templatename, context, doctree):
    "Mermaid's non-module build on pages with a diagram: an ES module import is refused from file://."
    from sphinxcontrib.mermaid import mermaid
    if doctree and doctree.next_node(mermaid):
        app.add_js_file("mermaid/mermaid.min.js")
        app.add_js_file(None, body="mermaid.initialize({startOnLoad: true});")


def setup(app):
    from sphinxcontrib.mermaid import install_js
    ours = [x for x in app.events.listeners["html-page-context"] if x.handler is install_js]
    assert ours, "sphinxcontrib-mermaid no longer loads mermaid through install_js: update docs/conf.py"
    for listener in ours:
        app.disconnect(listener.id)
    app.connect("html-page-context", _mermaid_classic_script)
