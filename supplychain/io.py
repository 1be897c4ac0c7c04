"""Reading and writing files: networks (CSV folder or one YAML file) and YAML documents.

Nothing else in the package opens input files; reports are written by ``reports.py``.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .errors import InputError, Problem
from .network import Network, did_you_mean
from .schema import OPTIONAL_TABLES, TABLES

__all__ = ["bundled_networks", "format_key_path", "load_yaml", "read_network", "write_network"]

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """``("controls", 2, "where", "tpp")`` -> ``"controls[2].where.tpp"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading ``2.0e9`` and ``1e-3`` as numbers (YAML 1.2 floats),
    not as the strings YAML 1.1 makes of an exponent without a sign."""


_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                  |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def load_yaml(path: str | Path) -> tuple[Any, dict[KeyPath, int]]:
    """Parse a YAML file and map every key path to its 1-based line number.

    Returns ``(data, lines)``: ``data`` as PyYAML's safe loader builds it, and ``lines`` with
    an entry per mapping key and sequence element (``("controls", 0, "items")`` -> 12), so
    that errors can name the line a user must fix. A duplicated key, which PyYAML would
    silently resolve to the last value, is an error here.

    Raises ``InputError`` naming the file and line when the file is missing or not YAML.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a YAML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path} line {mark.line + 1}" if mark else str(path)
        raise InputError(f"{path}: not valid YAML", [Problem(where, str(exc.problem or exc))]) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    finally:
        loader.dispose()

    lines: dict[KeyPath, int] = {(): 1}
    duplicates: list[Problem] = []

    def walk(n: yaml.Node, at: KeyPath) -> None:
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in n.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    duplicates.append(
                        Problem(f"{path} line {line}", f"key '{format_key_path((*at, key))}' appears twice")
                    )
                seen.add(key)
                walk(value_node, (*at, key))
                lines[(*at, key)] = line
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                lines[(*at, i)] = item.start_mark.line + 1
                walk(item, (*at, i))

    if node is not None:
        walk(node, ())
    if duplicates:
        raise InputError(f"{path}: duplicated keys", duplicates)
    return data, lines


# --------------------------------------------------------------------------------------------
# networks: a folder of CSV files or one YAML file
# --------------------------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Where the bundled networks live: one folder per network (``network.yaml`` or CSV files)."""

_YAML_SUFFIXES = (".yaml", ".yml")


def bundled_networks() -> list[str]:
    """Names of the networks shipped with the package (``read_network(name)`` reads them)."""
    if not DATA_DIR.is_dir():
        return []
    return sorted(
        p.name
        for p in DATA_DIR.iterdir()
        if p.is_dir() and ((p / "network.yaml").is_file() or (p / "items.csv").is_file())
    )


def _resolve_network_path(name_or_path: str | Path, base: str | Path | None) -> tuple[Path, str]:
    """The file or folder to read and the network's name (bundled name, file stem or folder name)."""
    text = str(name_or_path)
    path = Path(name_or_path).expanduser()
    if base is not None and not path.is_absolute():
        base_path = Path(base)
        path = (base_path.parent if base_path.is_file() else base_path) / path
    if path.exists():
        if path.is_dir():
            return path, path.resolve().name
        # a file called network.yaml is named after its folder, like a bundled network
        return path, (path.resolve().parent.name if path.stem == "network" else path.stem)
    bare = "/" not in text and "\\" not in text and not Path(text).suffix and text not in ("", ".", "..")
    if bare:
        folder = DATA_DIR / text
        if text in bundled_networks():
            return folder, text
        names = bundled_networks()
        guess = did_you_mean(text, names)
        hint = f"did you mean '{guess}'? " if guess else ""
        raise InputError(
            f"unknown network '{text}'",
            [
                Problem(
                    f"network '{text}'",
                    f"no such bundled network or path; {hint}bundled networks: "
                    f"{', '.join(names) or '(none)'}; or give the path of a .yaml file or a folder of CSV files",
                )
            ],
        )
    raise InputError(f"{path}: no such network file or folder")


def read_network(name_or_path: str | Path, *, base: str | Path | None = None) -> Network:
    """Read a network: a bundled name, a ``.yaml``/``.yml`` file or a folder of CSV files.

    - A folder holds ``items.csv``, ``facilities.csv``, ``recipes.csv``, ``supplies.csv`` and
      optionally ``candidates.csv`` and ``certifications.csv``, one table each with a header
      row (or a ``network.yaml``). Cells are read as text and parsed by :class:`Network`, so
      ids are never mangled; an empty cell is a missing value.
    - A YAML file maps each table name to a list of rows, each a mapping of column -> value.
    - A bare name (no path separator, no suffix) that is not an existing path is a bundled
      network (``supplychain/data/<name>/``).

    A relative path resolves against ``base`` when given (a folder, or a file whose folder is
    used: a scenario's ``network:`` key is relative to the scenario file), else the current
    folder. The network is named after the bundled name, the file stem or the folder name (a
    file called ``network.yaml`` takes its folder's name).

    Raises ``InputError`` listing every problem with file, row and line.
    """
    path, name = _resolve_network_path(name_or_path, base)
    if path.is_dir():
        if (path / "network.yaml").is_file() and not (path / "items.csv").is_file():
            return _read_network_yaml(path / "network.yaml", name)
        return _read_network_csv(path, name)
    if path.suffix.lower() in _YAML_SUFFIXES:
        return _read_network_yaml(path, name)
    raise InputError(f"{path}: a network is a .yaml/.yml file or a folder of CSV files (got a '{path.suffix}' file)")


def _read_network_yaml(path: Path, name: str) -> Network:
    data, lines = load_yaml(path)
    if data is None:
        raise InputError(
            f"{path}: empty network file",
            [Problem(f"{path} line 1", f"expected a mapping of table names ({', '.join(TABLES)}) to lists of rows")],
        )
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: not a network",
            [
                Problem(
                    f"{path} line 1",
                    f"the top level must be a mapping of table names ({', '.join(TABLES)}) "
                    f"to lists of rows, not a {type(data).__name__}",
                )
            ],
        )
    problems: list[Problem] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    row_lines: dict[str, list[int]] = {}
    for key, rows in data.items():
        table = str(key)
        line = lines.get((key,), 1)
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            problems.append(
                Problem(
                    f"{path} line {line}: {table}",
                    f"expected a list of rows (each a mapping of column: value), not a {type(rows).__name__}",
                )
            )
            continue
        clean: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            row_line = lines.get((key, i), line)
            if not isinstance(row, dict):
                problems.append(
                    Problem(
                        f"{path} line {row_line}: {table}[{i}]",
                        f"expected a row mapping column names to values (like "
                        f"{{id: sand, name: Refined silicon}}), not a {type(row).__name__}",
                    )
                )
                continue
            out: dict[str, Any] = {}
            for col, value in row.items():
                if isinstance(value, list) and str(col) == "tags":
                    value = ";".join(str(v) for v in value)
                elif isinstance(value, dict | list):
                    problems.append(
                        Problem(
                            f"{path} line {lines.get((key, i, col), row_line)}: {table}[{i}].{col}",
                            f"expected a single value, not a {type(value).__name__}",
                        )
                    )
                    continue
                out[str(col)] = value
            clean.append(out)
        tables[table] = clean
        row_lines[table] = [lines.get((key, i), line) for i in range(len(rows))]
    if problems:
        raise InputError(f"{path}: not a valid network file", problems)
    table_lines = {str(k): lines.get((k,), 1) for k in data}
    return Network.from_tables(tables, name=name, source=str(path), row_lines=row_lines, table_lines=table_lines)


def _read_network_csv(folder: Path, name: str) -> Network:
    tables: dict[str, pd.DataFrame] = {}
    row_lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for file in sorted(folder.glob("*.csv")):
        table = file.stem
        if table not in TABLES:
            guess = did_you_mean(table, list(TABLES))
            hint = f"; did you mean '{guess}.csv'?" if guess else ""
            problems.append(
                Problem(
                    f"{file}", f"unknown table '{table}'{hint} (tables are: {', '.join(t + '.csv' for t in TABLES)})"
                )
            )
            continue
        try:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
            problems.append(Problem(f"{file}", f"cannot be read as CSV: {exc}"))
            continue
        # a trailing comma in the header makes an empty, unnamed column: not data
        blank = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].str.strip().eq("").all()]
        tables[table] = frame.drop(columns=blank)
        row_lines[table] = list(range(2, len(frame) + 2))  # line 1 is the header
    missing = [t for t in TABLES if t not in OPTIONAL_TABLES and t not in tables]
    if not tables and not problems:
        raise InputError(
            f"{folder}: not a network folder",
            [
                Problem(
                    f"{folder}",
                    f"no table CSV files found; expected {', '.join(t + '.csv' for t in TABLES)} "
                    "(candidates.csv and certifications.csv optional)",
                )
            ],
        )
    for table in missing:
        problems.append(Problem(f"{folder / (table + '.csv')}", f"required table file {table}.csv is missing"))
    if problems:
        raise InputError(f"{folder}: not a valid network folder", problems)
    return Network.from_tables(tables, name=name, source=str(folder), row_lines=row_lines)


def _yaml_value(value: Any) -> Any:
    """A cell as YAML should hold it: None for missing, whole floats as int, floats exact."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value  # PyYAML writes repr(value): reads back exactly
    if isinstance(value, int | np.integer):
        return int(value)
    if value is None or (isinstance(value, str) and value == ""):
        return None
    return value


def _network_yaml_text(network: Network) -> str:
    out = [f"# supplychain network '{network.name}': tables {', '.join(TABLES)} (SPEC section 1).\n"]
    for table, frame in network.tables().items():
        if table in OPTIONAL_TABLES and frame.empty:
            continue
        if frame.empty:
            out.append(f"{table}: []\n")
            continue
        out.append(f"{table}:\n")
        for record in frame.to_dict("records"):
            row = {k: v for k, v in ((k, _yaml_value(v)) for k, v in record.items()) if v is not None}
            text = yaml.safe_dump(
                row, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**9
            ).strip()
            out.append(f"  - {text}\n")
    return "".join(out)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and os.replace."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_network(network: Network, path: str | Path) -> Path:
    """Write a network to ``path``: one YAML file when it ends ``.yaml``/``.yml``, else a folder
    of CSV files (one per table, created if missing). Returns the path written.

    YAML: tables in schema order (empty optional tables left out), one flow-style mapping per
    row, empty cells omitted, numbers written so they read back exactly. CSV: every table,
    header first, empty cells for missing values. Each file is written atomically. Writing into
    an existing non-empty folder is refused unless it holds only table CSV files. Reading the
    written network back gives equal tables.
    """
    path = Path(path)
    if path.suffix.lower() in _YAML_SUFFIXES:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; cannot write a YAML network file there")
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, _network_yaml_text(network))
        return path
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: exists and is not a folder; give a folder for CSV files or a .yaml path")
    if path.is_dir():
        ours = {f"{t}.csv" for t in TABLES}
        others = sorted(p.name for p in path.iterdir() if p.name not in ours)
        if others:
            raise InputError(
                f"{path}: folder is not empty",
                [
                    Problem(
                        str(path),
                        f"holds files other than network tables ({', '.join(others[:5])}"
                        f"{' …' if len(others) > 5 else ''}); write to a new or empty folder",
                    )
                ],
            )
    path.mkdir(parents=True, exist_ok=True)
    for table, frame in network.tables().items():
        _atomic_write(path / f"{table}.csv", frame.to_csv(index=False, lineterminator="\n"))
    return path
