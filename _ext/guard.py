"""Guarded handlers: a bug in the manual's own extensions never hangs the build or hides.

Authors' mistakes are reported by the checks themselves, as warnings naming the
file, the line and what to do.  This module is for the other case: an
exception in the project's own code (a handler of one of the ``_ext/``
modules).  What it adds:

* ``guarded``, a decorator for any handler: an event handler, a directive's
  ``run`` or a node visitor.  If the handler raises, the exception becomes one
  error, at the page and line being processed where they are known, naming the
  handler and its module, saying that this is a bug in the manual's code and
  not a mistake in the page, with the traceback for whoever fixes it.  The
  handler then returns its *default* and the build goes on, so every other
  problem is still reported and the build fails (warnings are errors), within
  seconds, in a parallel worker or not.  Docutils' own control-flow exceptions
  (``SkipNode``, a directive's ``self.error()``) pass through untouched;
* at ``build-finished`` with an exception that escaped anyway (raised by
  Sphinx, by another extension, or by an unguarded handler), the worker
  processes of a parallel build are ended.  Otherwise a failure in the main
  process while workers are writing pages leaves them waiting to hand their
  results back, and the build hangs instead of exiting.

Use it in an extension::

    from guard import guarded

    @guarded
    def on_doctree_read(app, doctree): ...

    @guarded(default=[])          # what the handler returns if it fails
    def on_get_outdated(app, env, added, changed, removed): ...

    def setup(app):
        app.setup_extension("guard")
        ...
"""

from __future__ import annotations

import functools
import multiprocessing
import traceback

from docutils import nodes
from docutils.parsers.rst import DirectiveError
from docutils.utils import SystemMessagePropagation
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: Exceptions that are how docutils and Sphinx steer, not failures.
PASSED_THROUGH = (nodes.TreePruningException, DirectiveError, SystemMessagePropagation)


def _location(args: tuple, kwargs: dict):
    """The page and line a handler was working on, from its arguments; None if unknown."""
    values = list(args) + list(kwargs.values())
    for value in values:
        if isinstance(value, SphinxDirective):
            return value.get_location()
    for value in values:
        if isinstance(value, nodes.Node) and not isinstance(value, nodes.document):
            source, line = value.source, value.line
            if source is None and value.parent is not None:
                source, line = value.parent.source, value.parent.line
            if source:
                return source, line
    app = next((v for v in values if isinstance(v, Sphinx)), None)
    env = getattr(app, "env", None) if app is not None else None
    for value in values:
        if env is not None and isinstance(value, str) and value in env.all_docs:
            return value  # doctree-resolved's docname, html-page-context's pagename
    for value in values:
        if isinstance(value, nodes.document) and value.get("source"):
            return value["source"], None
    if env is not None:
        try:
            return env.docname or None  # the page being read, while reading
        except Exception:  # noqa: BLE001 - no page being read
            return None
    return None


def report(function, error: BaseException, location) -> None:
    """Log *error*, raised by *function*, as one error at *location*, with its traceback."""
    module = function.__module__
    where = f"_ext/{module}.py" if module and "." not in module else module
    logger.error(
        "the manual's %s extension failed in %s (%s: %s). This is a bug in %s, not a mistake "
        "in this page: the build goes on without that step, and fails. Report it with this "
        "traceback:\n%s",
        module, function.__qualname__, type(error).__name__, error, where,
        "".join(traceback.format_exception(error)).rstrip(),
        location=location, type="guard", subtype="handler",
    )


def guarded(function=None, *, default=None):
    """Decorate a handler so that an exception in it is reported, not raised; see the module."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(*args, **kwargs):
            try:
                return handler(*args, **kwargs)
            except PASSED_THROUGH:
                raise
            except Exception as error:  # noqa: BLE001 - every bug is reported, none hidden
                try:
                    location = _location(args, kwargs)
                except Exception:  # noqa: BLE001 - never fail while reporting a failure
                    location = None
                report(handler, error, location)
                return default() if callable(default) else default

        wrapper.guarded = True
        return wrapper

    return decorate(function) if function is not None else decorate


def end_workers(app: Sphinx, exception: Exception | None) -> None:
    """After a failed build, end any parallel worker still running, so that the build exits."""
    if exception is None:
        return
    for worker in multiprocessing.active_children():
        worker.terminate()


def setup(app: Sphinx) -> dict:
    # Early: the workers are ended before other handlers of a failed build run.
    app.connect("build-finished", end_workers, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

