"""Compiled HTML templates are kept between builds.

What this adds: Sphinx compiles the theme's Jinja templates (furo's page,
layout and search templates, and this project's ``_templates/``) afresh in
every build, which is most of the time a rebuild with nothing changed spends
writing the pages it always writes (the search page).  Jinja's own
``FileSystemBytecodeCache`` keeps the compiled code in the build's doctree
folder, keyed by the template's name and file and checked against a hash of
its source, so a changed template is compiled again and nothing stale is used.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx


def on_builder_inited(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None:  # builders without HTML templates (LaTeX)
        return
    folder = Path(app.doctreedir) / "jinja-bytecode"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", on_builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
