"""The Jinja environment every Word template renders in: sandboxed, escaped, time-boxed.

A template is data an administrator uploads, so it must not reach Python internals
(``SandboxedEnvironment`` refuses ``__globals__`` and friends), must not break the XML
with ``&`` or ``<`` from user text (autoescape), must not fill the memory (string and
list repetition is capped) and must not run forever (``time_limit``).
"""
from __future__ import annotations

import ctypes
import threading
from contextlib import contextmanager

from jinja2.runtime import LoopContext, Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

#: Seconds a single render may take before it is abandoned.
DEFAULT_TIME_LIMIT = 5.0
#: Largest string or sequence one ``*`` operation may produce.
MAX_PRODUCT_LENGTH = 100_000
#: Compiled template parts kept (a few parts per template, a dozen templates).
COMPILED_CACHE_SIZE = 128


class RenderTimeout(SecurityError):
    """The template took longer than its time limit."""


#: The only kinds of object whose attributes a template may read. Rendered pieces
#: (section bodies, images) are printable but opaque: through their attributes a
#: template could otherwise reach the document package and its ``save`` method.
PLAIN_TYPES = (
    str, int, float, bool, type(None), dict, list, tuple, range, Markup,
    LoopContext, Cycler, Joiner, Namespace, Undefined,
)


class CappedSandbox(SandboxedEnvironment):
    """A SandboxedEnvironment, escaping by default, that refuses huge repetitions."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options):
        options.setdefault("autoescape", True)
        super().__init__(**options)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002  (Jinja's signature)
        """Compile ``source`` once: docxtpl recompiles the same template XML on every render."""
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        cached = self._compiled.get(source)
        if cached is None:
            cached = super().from_string(source)
            if len(self._compiled) >= COMPILED_CACHE_SIZE:
                self._compiled.pop(next(iter(self._compiled)), None)
            self._compiled[source] = cached
        return cached

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return isinstance(obj, PLAIN_TYPES) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("potencia demasiado grande en la plantilla")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                    if len(seq) * count > MAX_PRODUCT_LENGTH:
                        raise SecurityError("texto demasiado largo en la plantilla")
        return super().call_binop(context, operator, left, right)


_ENVIRONMENT: CappedSandbox | None = None


def make_environment() -> CappedSandbox:
    """Return the environment Word templates render in (shared: it caches compiled parts).

    Jinja environments are safe to share between threads once configured; nothing
    changes it after creation (docxtpl sets ``autoescape``, to the value it already has).
    """
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = CappedSandbox()
    return _ENVIRONMENT


@contextmanager
def time_limit(seconds: float = DEFAULT_TIME_LIMIT):
    """Raise RenderTimeout in this thread if the block runs longer than ``seconds``.

    Python cannot stop a thread from outside, but it can schedule an exception in it:
    a watchdog timer does that if the block is still running when time is up, which
    interrupts any loop a template builds (loops compile to Python bytecode). On the way
    out, a pending exception that was not delivered yet is cleared under the same lock,
    so it can never surface later in unrelated code.
    """
    thread_id = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire():
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, ctypes.py_object(RenderTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except RenderTimeout:
        pass  # reported below with a message, once the watchdog is disarmed
    finally:
        timer.cancel()
        _disarm(lock, state, thread_id)
    if state["fired"]:
        raise RenderTimeout("la plantilla excedió el tiempo máximo de generación")


def _disarm(lock, state, thread_id) -> None:
    """Stop the watchdog for good and drop an exception it scheduled but did not deliver."""
    while True:
        try:
            with lock:
                state["done"] = True
                if state["fired"]:
                    # NULL clears this thread's pending asynchronous exception.
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, None)
            return
        except RenderTimeout:
            continue  # delivered while disarming: the loop clears and leaves
