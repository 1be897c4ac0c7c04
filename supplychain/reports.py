"""Result objects -> report files (docs/model.md §6), written atomically.

A report is a folder of CSV files plus run.json and a marker, ``.supplychain-report``: a small
JSON file naming the supplychain version and the SHA-256 of every file the report holds. How a
folder is written:

- **Nothing of yours is replaced.** An existing folder is replaced only when it is empty, or
  when it carries the marker and holds nothing but the files the marker lists, unchanged. A
  folder without the marker (your own ``summary.csv``, a report of a version before the marker,
  ``--out .``), a file or subfolder the marker does not list, or a report file edited since it
  was written is refused with ``InputError`` naming what is in the way.
- **All or nothing.** The files are written and synced into a temporary folder beside the
  target (``.<name>.<random>.tmp``), then swapped with the target in one atomic exchange
  (Linux ``renameat2(RENAME_EXCHANGE)``), so a reader sees the previous complete report or the
  new one, at every moment; the previous one is deleted ``REPLACED_GRACE_SECONDS`` later, so
  a reader that was inside it just then still finds it whole. Where the file system cannot
  exchange, the previous report is moved aside and the new one moved in, and a reader may
  find no folder for that instant.
- **Concurrent writers** to one folder take turns for the check and the swap (an exclusive
  ``flock`` on the parent folder): the last to finish wins, each sees a complete report.
- **Interrupts.** SIGINT or SIGTERM while files are written stops the write and removes the
  temporary folder; during the swap and the clean-up they are held back until it is done.
- **A symbolic link** at the target (``--out latest``, ``latest -> runs/today``) is followed:
  the folder it points to is checked and replaced by the rules above, and the link is kept. A
  link to nothing is refused.

CSV cells are deterministic (same result, same bytes): numbers as plain decimals rounded to
12 significant digits, missing values (NaN, None, ``pd.NA``) as empty cells, text that a
spreadsheet would run as a formula escaped.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "MARKER",
    "REPORT_FILES",
    "check_report_folder",
    "format_number",
    "to_csv_bytes",
    "write_folder_atomically",
    "write_reports",
]

REPORT_FILES: frozenset[str] = frozenset(
    {
        "facilities.csv",
        "countries.csv",
        "controls.csv",
        "disruptions.csv",
        "concentration.csv",
        "chokepoints.csv",
        "exposure.csv",
        "monte_carlo.csv",
        "strategy.csv",
        "frontier.csv",
        "companies.csv",
        "summary.csv",
        "run.json",
    }
)
"""The report files of docs/model.md §6 that ``write_reports`` writes when the result has them."""

MARKER = ".supplychain-report"
"""The file that marks a folder as a report supplychain wrote (JSON: version, files, SHA-256)."""

FILE_SUFFIXES: frozenset[str] = frozenset(
    ".csv .tsv .txt .json .jsonl .html .htm .xml .md .yaml .yml .xlsx .xlsm .xls .ods .parquet .feather "
    ".arrow .h5 .hdf5 .nc .pkl .pickle .npy .npz .db .sqlite .zip .gz .tgz .bz2 .xz .tar .7z .pdf .png "
    ".jpg .jpeg .svg".split()
)
"""Suffixes of files, not folders: a report path ending in one is refused (it writes a folder)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_missing(x: Any) -> bool:
    """None, NaN, ``pd.NA`` and ``pd.NaT``: what a cell leaves empty."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, float | np.floating) and math.isnan(x)


def format_number(x: Any) -> str:
    """A plain decimal with at most 12 significant digits (no exponent, no separators);
    empty for a missing value (NaN, None, ``pd.NA``). ``0.20500000000000002`` -> ``"0.205"``,
    ``150.0`` -> ``"150"``."""
    if _is_missing(x):
        return ""
    if isinstance(x, bool | np.bool_):
        return "true" if x else "false"
    if isinstance(x, int | np.integer):
        return str(int(x))
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    text = np.format_float_positional(float(f"{float(x):.12g}"), trim="-")
    return "0" if text == "-0" else text


def _format_text(x: Any) -> str:
    """Text as is, with a leading apostrophe when a spreadsheet would treat it as a formula."""
    if _is_missing(x):
        return ""
    text = str(x)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _format_column(values: pd.Series) -> list[str]:
    if pd.api.types.is_bool_dtype(values):  # also the nullable "boolean": NA is an empty cell
        return ["" if _is_missing(v) else ("true" if v else "false") for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(values):
        return [format_number(v) for v in values.tolist()]
    return [
        format_number(v) if isinstance(v, float | int | np.floating | np.integer | np.bool_) else _format_text(v)
        for v in values.tolist()
    ]


def _csv_field(text: str) -> str:
    """Quote a field holding a comma, quote, CR or LF (RFC 4180), so every reader splits it right."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """A DataFrame as CSV bytes: header, then rows; ``\\n`` line ends; deterministic."""
    header = [_format_text(c) for c in table.columns]
    columns = [_format_column(table[c]) for c in table.columns]
    rows = [header, *zip(*columns, strict=True)]
    lines = [",".join(_csv_field(f) for f in row) for row in rows]
    if len(header) == 1:  # a lone empty field would read back as a blank line, which readers skip
        lines = [line or '""' for line in lines]
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---- where a report may go ----------------------------------------------------------------------


def _shown(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def _entry_name(entry: Path) -> str:
    """A folder's entry as a message shows it: a folder with a trailing slash."""
    return entry.name + "/" if entry.is_dir() and not entry.is_symlink() else entry.name


def _umask() -> int:
    """This process's umask (read without changing it where Linux tells it)."""
    with contextlib.suppress(OSError, ValueError, StopIteration), open("/proc/self/status", encoding="ascii") as f:
        return int(next(line for line in f if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _marker_bytes(files: dict[str, bytes]) -> bytes:
    from . import __version__

    record = {
        "written_by": "supplychain",
        "version": __version__,
        "note": "a report folder supplychain wrote; the next run into it replaces it whole, "
        "unless a file here was added or changed since",
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    return (json.dumps(record, indent=2) + "\n").encode("utf-8")


def _marked_files(folder: Path) -> dict[str, str] | None:
    """The files (name -> SHA-256) the marker of ``folder`` lists; None without a valid marker."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    files = record.get("files") if isinstance(record, dict) else None
    if record.get("written_by") != "supplychain" or not isinstance(files, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_replaceable(folder: Path, shown_as: Path) -> None:
    """Raise ``InputError`` unless ``folder`` is empty or an unchanged report supplychain wrote."""
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise InputError(f"{shown_as}: cannot read the output folder ({exc.strerror}); choose another one") from None
    if not entries:
        return
    files = _marked_files(folder)
    if files is None:
        raise InputError(
            f"{shown_as}: the output folder exists and was not written by supplychain (it has no valid "
            f"{MARKER} file) and holds {_shown(_entry_name(e) for e in entries)}; nothing of it is replaced: choose a "
            "new or empty folder with --out, or remove this one yourself (a report written before "
            "supplychain marked its folders is refused the same way)"
        )
    foreign = [
        _entry_name(e)
        for e in entries
        if e.name != MARKER and (e.name not in files or e.is_symlink() or not e.is_file())
    ]
    if foreign:
        raise InputError(
            f"{shown_as}: the report folder holds what supplychain did not write there ({_shown(foreign)}); "
            "nothing of it is replaced: move those away or choose another folder with --out"
        )
    try:
        changed = [e.name for e in entries if e.name != MARKER and _sha256(e) != files[e.name]]
    except OSError as exc:
        raise InputError(f"{shown_as}: cannot read the report folder ({exc}); choose another one") from None
    if changed:
        raise InputError(
            f"{shown_as}: report files were changed since supplychain wrote them ({_shown(changed)}); "
            "nothing of it is replaced: move them away or choose another folder with --out"
        )


def _check_writable(folder: Path, shown_as: Path) -> None:
    """Raise ``InputError`` unless a folder can be created in ``folder`` (tried, then removed)."""
    problem = None
    if not os.access(folder, os.W_OK | os.X_OK):
        problem = "permission denied"
    else:
        try:
            with _signals_deferred():
                os.rmdir(tempfile.mkdtemp(prefix=".supplychain-probe.", dir=folder))
        except OSError as exc:
            problem = exc.strerror or str(exc)
    if problem is not None:
        where = "" if folder == shown_as.parent else f" (in {folder})"
        raise InputError(
            f"{shown_as}: cannot write the report there{where}: {folder} is not writable ({problem}); "
            "choose another folder with --out"
        )


def check_report_folder(directory: str | Path) -> Path:
    """Check that a report can be written as the folder ``directory``, without writing it.

    Returns the folder that will be written: ``directory`` itself, or the folder a symbolic
    link there points to (the link is followed and kept). Raises ``InputError`` naming the
    path and why when the path ends in a file suffix (``out.xlsx``: reports are a folder of
    CSV files), is a file or lies below one, is a link to nothing, is a folder supplychain
    would not replace (see the module docstring), or cannot be created or replaced for lack
    of permission. ``write_reports`` checks again when it writes.
    """
    target = Path(directory)
    if target.suffix.lower() in FILE_SUFFIXES and not target.is_dir():
        raise InputError(
            f"{target}: reports are written as a folder of CSV files (facilities.csv, summary.csv, …), "
            f"not as one {target.suffix} file; give a folder path, such as {target.with_suffix('')}"
        )
    real = target
    if target.is_symlink():
        real = Path(os.path.realpath(target))
        if not real.exists():
            raise InputError(
                f"{target}: is a symbolic link to {os.readlink(target)}, which does not exist; create that "
                "folder, remove the link, or choose another folder with --out"
            )
    if real.exists():
        if not real.is_dir():
            raise InputError(f"{target}: exists and is a file; choose another output folder with --out")
        with _locked(real.parent):  # a concurrent writer's swap would mix two reports' files
            _check_replaceable(real, target)
        _check_writable(real.parent, target)
        return real
    ancestor = real.parent
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.is_symlink() and not ancestor.exists():
        raise InputError(
            f"{target}: cannot create the folder: {ancestor} is a symbolic link to {os.readlink(ancestor)}, "
            "which does not exist"
        )
    if not ancestor.is_dir():
        raise InputError(
            f"{target}: cannot create the folder: {ancestor} is a file, not a folder; choose another folder with --out"
        )
    _check_writable(ancestor, target)
    return real


# ---- writing, atomically -------------------------------------------------------------------------


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block; one that arrived is delivered after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {}
    for signum in (int(signal.SIGINT), int(signal.SIGTERM)):
        handler = signal.getsignal(signum)
        if handler is not None:  # None: installed outside Python, leave it alone
            previous[signum] = handler
            signal.signal(signum, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``folder`` (where the platform has it) for the block."""
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):  # not POSIX, or a folder this process cannot open to lock
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


REPLACED_GRACE_SECONDS = 0.2
"""How long the previous report is kept (under its temporary name) after the swap before it is
deleted, so that a reader that was listing or opening it just then still finds it whole."""

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """Linux's ``renameat2`` from the C library, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` in one atomic step; False when the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # an old kernel, or a file system without exchange
    raise OSError(code, os.strerror(code), str(b))


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system syncs folders
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_in(staging: Path, target: Path, shown_as: Path) -> bool:
    """Put ``staging`` in place as ``target``; True when ``staging`` then holds the folder that
    was there, False when there was none. Called with the parent folder locked and signals
    held back."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return False
    if target.is_symlink() or not target.is_dir():
        raise InputError(f"{shown_as}: exists and is not a folder; choose another output folder with --out")
    _check_replaceable(target, shown_as)
    if _exchange(staging, target):
        return True
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        os.replace(target, old / target.name)
        try:
            os.replace(staging, target)
        except BaseException:
            os.replace(old / target.name, target)  # put the previous report back
            raise
        os.replace(old / target.name, staging)
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(old)  # empty unless putting the previous report back failed: then it stays there
    return True


def write_folder_atomically(target: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) as the folder ``target``, all or nothing, with the
    marker beside them; returns ``target``.

    An existing folder is replaced only by the rules of ``check_report_folder`` (empty, or a
    report supplychain wrote and nobody changed); otherwise ``InputError`` names what is in
    the way. A symbolic link at ``target`` is followed and kept. A signal that arrived during
    the swap is delivered once the report is in place; the exception it raises then carries
    ``written_report`` (``target``).
    """
    target = Path(target)
    if MARKER in files or any(os.sep in name or name in ("", ".", "..") for name in files):
        raise ValueError(f"write_folder_atomically: file names must be plain and not {MARKER}")
    real = check_report_folder(target)
    payload = {**files, MARKER: _marker_bytes(files)}
    real.parent.mkdir(parents=True, exist_ok=True)
    staging: Path | None = None
    try:
        with _signals_deferred():
            staging = Path(tempfile.mkdtemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent))
        os.chmod(staging, 0o777 & ~_umask())  # a folder as mkdir makes it, not mkdtemp's owner-only one
        for name, data in payload.items():
            with open(staging / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        _fsync_folder(staging)
        swapped = False
        try:
            with _signals_deferred(), _locked(real.parent):
                replaced = _swap_in(staging, real, target)
                swapped = True
                _fsync_folder(real.parent)
            if replaced:
                time.sleep(REPLACED_GRACE_SECONDS)  # readers inside the previous report finish with it
        except BaseException as exc:
            if swapped:  # a signal after the swap: the report is in place all the same
                exc.written_report = target  # type: ignore[attr-defined]
            raise
    finally:
        if staging is not None and os.path.lexists(staging):
            with _signals_deferred():
                shutil.rmtree(staging, ignore_errors=True)
    return target


def _tables(result: Any) -> Iterable[tuple[str, pd.DataFrame]]:
    from .results import _TABLES

    for name in (*_TABLES, "summary"):
        if hasattr(result, "table"):
            try:
                table = result.table(name)
            except KeyError:
                continue
        else:
            table = getattr(result, name, None)
            if table is None:
                table = result.extras.get(name) if hasattr(result, "extras") else None
        if isinstance(table, pd.DataFrame):
            yield f"{name}.csv", table


def run_info(result: Any) -> dict[str, Any]:
    """The contents of run.json: what was run, on what, with which version and settings."""
    from . import __version__

    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario.source) if scenario.source else None,
        "scenario_sha256": scenario.sha256,
        **({"overrides": result.extras["overrides"]} if result.extras.get("overrides") else {}),
        "network": result.network.name,
        "version": __version__,
        "seed": result.extras.get("seed"),
        "samples": result.extras.get("samples"),
        **({"mc_engine": result.extras["mc_engine"]} if "mc_engine" in result.extras else {}),
        "solver": result.extras.get("solver"),
        **({"exposure_controls": result.extras["exposure_controls"]} if "exposure_controls" in result.extras else {}),
        **({"optimise": result.extras["optimise"]} if "optimise" in result.extras else {}),
        **({"attribution": _attribution_info(result.attribution)} if getattr(result, "attribution", None) else {}),
        "timings": {k: round(v, 6) for k, v in result.timings.items()},
        **({"provenance": _provenance(result)} if _has_provenance(result) else {}),
    }


def _attribution_info(attribution: Any) -> dict[str, Any]:
    """run.json's ``attribution``: how the Shapley shares were computed (docs/model.md §3.4)."""
    return {
        "method": attribution.method,
        "basis": attribution.basis,
        "players": len(attribution.players),
        "orders": attribution.orders,
        "seed": attribution.seed,
        "subsets": attribution.subsets,
    }


def _has_provenance(result: Any) -> bool:
    network = getattr(result, "network", None)
    table = getattr(result, "facilities", None)
    return (
        network is not None
        and len(getattr(network, "sources", ())) > 0
        and isinstance(table, pd.DataFrame)
        and table.index.name == "facility"
        and "availability" in table.columns
    )


def _provenance(result: Any) -> dict[str, Any]:
    """run.json's ``provenance``: how many of the network's figures, and of the figures behind
    this run's loss, are estimates (``supplychain.provenance.headline_provenance``)."""
    from .provenance import headline_provenance

    table = result.facilities
    ids = result.network.facilities["id"]
    alpha = table["availability"].reindex(ids).to_numpy(dtype=float)
    limiting = table["limiting_item"].reindex(ids) if "limiting_item" in table.columns else None
    return headline_provenance(result.network, alpha, None if limiting is None else limiting.reset_index(drop=True))


FORMATS = ("csv", "xlsx")
"""Report formats: ``csv`` (always written) and ``xlsx`` (also ``report.xlsx``, a sheet per table)."""


def xlsx_bytes(tables: Iterable[tuple[str, pd.DataFrame]]) -> bytes:
    """One workbook, a sheet per table (named as its CSV file without ``.csv``), the same cells
    as the CSV files. Reproducible: fixed document dates and zip timestamps. Needs openpyxl
    (``pip install "supplychain[xlsx]"``)."""
    import datetime
    import io
    import zipfile

    try:
        from openpyxl import Workbook
    except ImportError:
        from .errors import InputError

        raise InputError('--format xlsx needs openpyxl: pip install "supplychain[xlsx]"') from None
    book = Workbook()
    book.remove(book.active)
    for name, table in tables:
        sheet = book.create_sheet(title=name.removesuffix(".csv")[:31])
        sheet.append([str(c) for c in table.columns])
        for row in table.itertuples(index=False):
            sheet.append([_xlsx_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    stamp = datetime.datetime(2000, 1, 1)
    book.properties.created = stamp
    book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    """A cell as a spreadsheet takes it: numbers as numbers, missing values empty, text escaped
    as in the CSV files (a leading =, +, - or @ is never run as a formula)."""
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    return _format_text(value)


def write_reports(result: Any, directory: str | Path, *, formats: Iterable[str] = ("csv",)) -> Path:
    """Write a result's report files into ``directory`` atomically (docs/model.md §6).

    Writes facilities.csv, countries.csv, controls.csv, disruptions.csv, summary.csv (and every
    other table the result carries), report.html (the page a person reads,
    supplychain/html_report.py), run.json and the marker ``.supplychain-report``; returns the folder.
    Every CSV is byte-identical for the same inputs; run.json differs between runs only in
    ``timings``.

    >>> import supplychain as sc, tempfile
    >>> res = sc.stress(sc.read_network("tiny"), sc.Scenario.model_validate({"name": "none"}))
    >>> folder = sc.write_reports(res, tempfile.mkdtemp() + "/out")
    >>> sorted(p.name for p in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
    ['.supplychain-report', 'companies.csv', 'controls.csv', 'countries.csv', 'disruptions.csv',
     'facilities.csv', 'report.html', 'run.json', 'summary.csv']

    ``formats``: ``csv`` (always) and ``xlsx`` (also report.xlsx, a sheet per table).
    ``directory`` is refused (``InputError``) when it ends in a file suffix such as ``.xlsx``
    or ``.csv``, and an existing folder is replaced only when supplychain wrote it (see
    ``check_report_folder``).
    """
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        from .errors import InputError

        raise InputError(f"unknown report format {unknown[0]!r}; formats: {', '.join(FORMATS)}")
    files = {name: to_csv_bytes(table) for name, table in _tables(result)}
    if "xlsx" in formats:
        files["report.xlsx"] = xlsx_bytes(_tables(result))
    files["run.json"] = (json.dumps(run_info(result), indent=2) + "\n").encode("utf-8")
    if hasattr(result, "countries") and hasattr(result, "network"):
        from .html_report import render_report

        files["report.html"] = render_report(result).encode("utf-8")
    return write_folder_atomically(Path(directory), files)
