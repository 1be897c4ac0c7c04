"""Analyses in a second process while this one runs the optimiser (``run_scenario``).

The world's loss with nothing done over the optimiser's verification samples
(``optimise.verify.world_before``), the adaptive stress and the exposure table (docs/model.md
§4) depend on nothing else the run computes, and they and the optimiser are thousands of
short HiGHS solves with Python between them, so on two cores they can run side by side. A
thread cannot: the two would wait for each other's turn at the GIL after every solve (tried:
the optimiser 40 % slower). So they run in a child interpreter,
``python -m supplychain._background FOLDER``:

- ``FOLDER`` (a temporary folder of this process) holds ``tasks.pickle``: each task's name
  (``TASKS``) and keyword arguments (the network and scenario, about 2 MB). The child runs
  them in order and writes each one's ``NAME.pickle`` (``("result", value, seconds)`` or
  ``("error", exception, seconds)``, after which it stops) atomically as soon as it has it,
  its standard error to ``stderr.txt`` and its temporary files (CBC's model files) into
  ``tmp/`` (``TMPDIR``), removed with the folder;
- the exposure task's progress comes on the child's standard output, a ``done total`` line
  per step;
- the child is started as a command, not with ``multiprocessing``: its ``spawn`` would re-run
  the user's script in the child (every script without a main guard would run twice and
  fail), and a ``fork`` would copy this process's solver threads and locks;
- SIGINT is ignored in the child (a terminal sends it to every process of the job: this
  process decides and ``cancel`` ends the child), and the child exits at its next exposure
  step once its parent is gone (killed without unwinding).

Each result is the one the function gives in this process, number for number: the same LPs
in the same order from fresh models.
"""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .errors import SolverError
from .progress import ProgressCallback

__all__ = ["TASKS", "Background"]

TASKS = {
    "world_before": "supplychain.optimise.verify:world_before",
    "adaptive": "supplychain.analysis:adaptive_stress",
    "exposure": "supplychain.analysis:exposure",
}
"""The tasks a ``Background`` runs: name → ``module:function``."""

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


class Background:
    """``tasks`` ({name: keyword arguments}, names of ``TASKS``) run one after the other in a
    child process from construction on.

    ``get(name)`` waits for one task's value (the child writes each as soon as it has it);
    ``result(progress)`` waits for the child to end, relaying the exposure task's progress to
    ``progress`` (``(done, total)``), and returns {name: value}. Both raise the child's error
    (a ``SolverError`` naming the child's last words when it ended without a value).
    ``cancel()`` ends the child if it still runs and removes its folder: call it in a
    ``finally``, so that a run that fails or is interrupted leaves no process and no file
    behind. ``seconds``: {name: the child's time in it} (run.json's ``adaptive_s`` and
    ``exposure_s``); ``waited``: the time ``get`` and ``result`` waited for the child.
    """

    POLL = 0.05
    """Seconds between looks at the child while ``result`` waits."""

    def __init__(self, tasks: dict[str, dict[str, Any]]) -> None:
        unknown = sorted(set(tasks) - set(TASKS))
        if unknown:
            raise ValueError(f"unknown background tasks {unknown}; known: {sorted(TASKS)}")
        self._folder = Path(tempfile.mkdtemp(prefix="supplychain-background-"))
        self._tasks = list(tasks)
        self._values: dict[str, Any] = {}
        self._state = (0, 0)
        self.seconds: dict[str, float] = {}
        self.waited = 0.0
        try:
            (self._folder / "tasks.pickle").write_bytes(pickle.dumps(tasks, protocol=pickle.HIGHEST_PROTOCOL))
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
            scratch = self._folder / "tmp"  # the child's temporary files (a solver's) go when the folder goes
            scratch.mkdir()
            env["TMPDIR"] = str(scratch)
            self._stderr = open(self._folder / "stderr.txt", "wb")  # noqa: SIM115 - closed in cancel()
            self._process = subprocess.Popen(
                [sys.executable, "-m", "supplychain._background", str(self._folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env=env,
                text=True,
            )
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self._reader = threading.Thread(target=self._read_progress, name="supplychain background progress", daemon=True)
        self._reader.start()

    def __repr__(self) -> str:
        state = "running" if self._process.poll() is None else f"ended ({self._process.returncode})"
        return f"<Background: {state}, exposure {self._state[0]}/{self._state[1]} steps>"

    def _read_progress(self) -> None:
        stream = self._process.stdout
        if stream is None:
            return
        for line in stream:
            parts = line.split()
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                self._state = (int(parts[0]), int(parts[1]))

    def get(self, name: str) -> Any:
        """Task ``name``'s value, once the child has it (see the class)."""
        if name in self._values:
            return self._values[name]
        if name not in self._tasks:
            raise KeyError(f"no background task {name!r}; the tasks are {self._tasks}")
        path = self._folder / f"{name}.pickle"
        start = time.perf_counter()
        while not path.exists() and self._process.poll() is None:
            time.sleep(self.POLL)
        self.waited += time.perf_counter() - start
        if not path.exists():
            code = self._process.returncode
            raise SolverError(f"the background process ended without a result (exit code {code}){self._last_words()}")
        try:
            kind, value, seconds = pickle.loads(path.read_bytes())
        except Exception as exc:  # an exception of the child's that does not unpickle here
            raise SolverError(f"the background process's result could not be read: {exc}") from exc
        self.seconds[name] = seconds
        if kind == "error":
            raise value
        self._values[name] = value
        return value

    def result(self, progress: ProgressCallback | None = None) -> dict[str, Any]:
        """{task name: its value}, once the child has them all (see the class)."""
        start = time.perf_counter()
        shown = (0, 0)
        while True:
            ended = self._process.poll() is not None
            state = self._state
            if progress is not None and state != shown and state[1] > 0:
                shown = state
                progress(*state)
            if ended:
                break
            time.sleep(self.POLL)
        self._reader.join(timeout=1)
        self.waited += time.perf_counter() - start
        if progress is not None and self._state != shown and self._state[1] > 0:
            progress(*self._state)
        return {name: self.get(name) for name in self._tasks}

    def _last_words(self) -> str:
        self._stderr.flush()
        text = (self._folder / "stderr.txt").read_text(errors="replace").strip()
        return f": {text.splitlines()[-1]}" if text else ""

    def cancel(self) -> None:
        """End the child if it still runs (SIGTERM, SIGKILL after 2 s) and remove its folder."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _child(folder: Path) -> int:
    """The child's side (see the module): the pickled tasks, in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def record(done: int, total: int) -> None:
        if os.getppid() != parent:  # the parent is gone: nobody wants the results
            os._exit(1)
        sys.stdout.write(f"{done} {total}\n")
        sys.stdout.flush()

    tasks = pickle.loads((folder / "tasks.pickle").read_bytes())
    for name, arguments in tasks.items():
        module, function = TASKS[name].split(":")
        start = time.perf_counter()
        payload: tuple[str, Any, float]
        try:
            run = getattr(importlib.import_module(module), function)
            value = run(**arguments, progress=record) if name == "exposure" else run(**arguments)
            payload = ("result", value, time.perf_counter() - start)
        except Exception as exc:  # handed to the parent, which raises it
            payload = ("error", exc, time.perf_counter() - start)
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its text still reaches the parent
            data = pickle.dumps(("error", SolverError(f"{type(payload[1]).__name__}: {payload[1]}"), payload[2]))
        partial = folder / f"{name}.pickle.partial"
        partial.write_bytes(data)
        os.replace(partial, folder / f"{name}.pickle")
        if payload[0] == "error":
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(Path(sys.argv[1])))
