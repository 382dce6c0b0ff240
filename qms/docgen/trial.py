"""Render an uploaded template with sample data in a child process with hard limits.

A template is code an administrator uploads: a ``range`` of a billion, a macro that calls
itself or ``center(2000000000)`` can take the web process's CPU for seconds or gigabytes
of its memory, which the in-thread time limit (``sandbox.time_limit``) cannot stop inside
a single C call. So the trial runs in a fresh process (``spawn``: nothing of the web
process, its database connections or its threads is inherited) whose address space and
CPU time are capped with ``resource.setrlimit``; the parent waits a bounded wall-clock
time and kills it after. Whatever goes wrong comes back as one Spanish sentence.
"""
from __future__ import annotations

import multiprocessing
import resource

#: Address space the child may use: its interpreter, python-docx and docxtpl take about
#: 250 MB of it; the rest is room for the template.
MEMORY_LIMIT = 768 * 1024 * 1024
#: CPU seconds of the child, and wall-clock seconds the parent waits (start-up included).
CPU_LIMIT = 8
WALL_LIMIT = 15.0
#: Seconds the template itself may take inside the child (the sandbox's own watchdog).
RENDER_LIMIT = 3.0

TIMEOUT_MESSAGE = ("La plantilla tardó demasiado en generarse con datos de ejemplo y se detuvo "
                   f"(máximo {int(RENDER_LIMIT)} s). Revise bucles, rangos y macros que se llamen a sí mismas.")
MEMORY_MESSAGE = ("La plantilla necesitó demasiada memoria al generarse con datos de ejemplo y se detuvo. "
                  "Revise textos o listas que se repitan o agranden (por ejemplo center, repetición con *, range).")


def _limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _child(job, data: bytes, memory: int, cpu: int, connection) -> None:
    """Run ``job(data)`` under the limits; send back None or an error message."""
    try:
        _limit(memory, cpu)
        message = job(data)
    except MemoryError:
        message = MEMORY_MESSAGE
    except RecursionError:
        message = "La plantilla tiene una macro o inclusión que se llama a sí misma sin fin."
    except Exception as exc:  # noqa: BLE001 - any failure of an uploaded template is a refusal
        message = getattr(exc, "message", None) or f"La plantilla no se pudo generar con datos de ejemplo ({type(exc).__name__})."
    try:
        connection.send(message)
    except MemoryError:
        connection.send(MEMORY_MESSAGE)
    finally:
        connection.close()


def run_bounded(job, data: bytes, *, memory: int = MEMORY_LIMIT, cpu: int = CPU_LIMIT,
                wall: float = WALL_LIMIT) -> str | None:
    """Run ``job(data)`` (a module-level function returning None or a message) in a limited child.

    Returns None when the job succeeded, else the Spanish reason it did not.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(job, data, memory, cpu, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(wall):
            try:
                return receiver.recv()
            except EOFError:
                pass  # the child died before answering: judged by its exit below
        child.join(1.0)
        if child.is_alive():
            child.kill()
            child.join()
            return TIMEOUT_MESSAGE
        # Killed by the CPU limit (SIGXCPU/SIGKILL) or by the memory limit inside C code.
        return TIMEOUT_MESSAGE if child.exitcode in (-24, -9) else MEMORY_MESSAGE
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
