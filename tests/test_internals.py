"""The few undocumented parts of Sphinx the manual's extensions rely on are still there.

Each is used in one place, named in a comment there; when an upgrade of Sphinx
changes one, the test below fails naming the extension to adapt, before a
build misbehaves in a way nobody notices.
"""

from __future__ import annotations

import logging
import sys

from conftest import ROOT, Build

sys.path.insert(0, str(ROOT / "_ext"))


def test_sphinx_logs_under_the_namespace_stay_failed_and_source_checks_listen_to() -> None:
    from sphinx.util.logging import NAMESPACE, getLogger

    assert NAMESPACE == "sphinx", "_ext/stay_failed.py and _ext/source_checks.py add handlers to this logger"
    assert getLogger("anything").logger.name.startswith(NAMESPACE + ".")
    assert isinstance(logging.getLogger(NAMESPACE), logging.Logger)


def test_suppress_warnings_is_matched_as_stay_failed_expects() -> None:
    from sphinx.util.logging import is_suppressed_warning

    # _ext/stay_failed.py leaves out of its notes what the configuration suppresses.
    assert is_suppressed_warning("curriculum", "headings", ["curriculum.headings"])
    assert is_suppressed_warning("curriculum", "headings", ["curriculum"])
    assert not is_suppressed_warning("curriculum", "headings", ["curriculum.label"])


def test_sphinx_writes_a_toctree_caption_as_training_rewrites_it(html_build: Build) -> None:
    import training

    # training.py gives each caption of the course's index a heading level; it finds them by this markup.
    index = (html_build.outdir / "training" / "index.html").read_text(encoding="utf-8")
    assert training.CAPTION[:-1] + ' aria-level="2">' in index, (
        "Sphinx no longer writes toctree captions as training.CAPTION: adapt _ext/training.py")
