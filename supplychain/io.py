"""Reading and writing files: networks (CSV folder or one YAML file) and YAML documents.

Nothing else in the package opens input files; reports are written by ``reports.py``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import yaml

from .errors import InputError, Problem, quoted, shortened
from .network import Network, did_you_mean
from .schema import OPTIONAL_TABLES, TABLES

__all__ = ["bundled_networks", "format_key_path", "load_yaml", "read_network", "write_network"]

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """``("controls", 2, "where", "tpp")`` -> ``"controls[2].where.tpp"`` (a key longer than
    ``QUOTE_LIMIT`` characters is cut, as messages show it)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = shortened(part)
            out += f".{text}" if out else text
    return out


MAX_NESTING = 100
"""How deep mappings and sequences may nest in a YAML input (a scenario needs 6 levels: the
top mapping, ``controls``, a control, ``where``, a threshold, its value). Deeper input is
refused before it can exhaust Python's stack."""

MAX_ALIAS_NODES = 1_000_000
"""How many nodes YAML aliases (``*name``) may add to a document when they are expanded. Each
alias stands for a copy of its anchor's whole subtree, so a few lines of nested aliases can
stand for billions of nodes (a "billion laughs" document); past this limit the document is
refused while it is being read. The nodes written out in the file do not count."""

_MERGE_TAG = "tag:yaml.org,2002:merge"

# the characters YAML allows in a stream (YAML 1.1 section 5.1, as PyYAML's reader checks them)
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHARACTERS_SHOWN = 5  # control characters located one by one in an error; the rest are counted


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading ``2.0e9`` and ``1e-3`` as numbers (YAML 1.2 floats),
    not as the strings YAML 1.1 makes of an exponent without a sign, and refusing, while it
    composes the document, nesting deeper than ``MAX_NESTING``, aliases that expand the
    document by more than ``MAX_ALIAS_NODES`` nodes, and an alias inside its own anchor."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0  # nodes open on the composer's stack
        self._size: dict[int, int] = {}  # id(collection node) -> nodes in it, aliases expanded
        self._height: dict[int, int] = {}  # id(collection node) -> levels in it, aliases expanded
        self._alias_nodes = 0  # nodes the aliases met so far stand for

    def _refuse(self, problem: str, mark: yaml.Mark | None) -> NoReturn:
        raise yaml.composer.ComposerError(problem=problem, problem_mark=mark)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if isinstance(target, yaml.CollectionNode):
                if id(target) not in self._size:
                    self._refuse(
                        f"alias *{event.anchor} is inside the node its anchor &{event.anchor} names; "
                        "a structure cannot contain itself",
                        event.start_mark,
                    )
                self._alias_nodes += self._size[id(target)]
                if self._depth + self._height[id(target)] > MAX_NESTING:
                    self._refuse(
                        f"alias *{event.anchor} nests the document more than {MAX_NESTING} levels deep "
                        f"(the limit); flatten the structure",
                        event.start_mark,
                    )
            else:
                self._alias_nodes += 1
            if self._alias_nodes > MAX_ALIAS_NODES:
                self._refuse(
                    f"aliases expand this document by more than {MAX_ALIAS_NODES:,} nodes (the limit), "
                    f"here at alias *{event.anchor}; write the repeated parts out or nest fewer aliases",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                self._refuse(
                    f"mappings and sequences nest more than {MAX_NESTING} levels deep here (the limit); "
                    "is a bracket left open?",
                    self.peek_event().start_mark,
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.CollectionNode):
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            self._size[id(node)] = 1 + sum(self._size.get(id(c), 1) for c in children)
            self._height[id(node)] = 1 + max((self._height.get(id(c), 1) for c in children), default=0)
        return node


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


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of the character at ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _character_name(char: str) -> str:
    """``U+0000 (NUL)``, ``U+001B (ESC)``: a character as a message names it."""
    names = {0: "NUL", 7: "BEL", 8: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "ESC", 0x7F: "DEL"}
    code = ord(char)
    name = names.get(code) or unicodedata.name(char, "control character" if code < 0xA0 else "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def _read_text(path: Path) -> str:
    """The text of a UTF-8 file (a BOM is dropped); ``InputError`` naming the line and column
    of the first byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise InputError(
            f"{path}: not UTF-8 text",
            [
                Problem(
                    f"{path} line {line}",
                    f"column {column}: byte 0x{data[exc.start]:02X} is not UTF-8; save the file as UTF-8",
                )
            ],
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unprintable(path: Path, text: str) -> list[Problem]:
    """A problem for each character YAML does not allow (NUL and other control characters),
    located by line and column; after ``_CHARACTERS_SHOWN`` of them, one that counts the rest."""
    problems: list[Problem] = []
    found = list(itertools.islice(_NOT_PRINTABLE.finditer(text), _CHARACTERS_SHOWN + 1))
    for match in found[:_CHARACTERS_SHOWN]:
        line, column = _line_and_column(text, match.start())
        problems.append(
            Problem(
                f"{path} line {line}",
                f"column {column}: character {_character_name(match.group())} is not allowed in YAML; remove it "
                r"(only tab and line breaks may appear among the control characters; in a double-quoted string "
                r"write it as an escape such as \x00)",
            )
        )
    if len(found) > _CHARACTERS_SHOWN:
        rest = len(_NOT_PRINTABLE.findall(text)) - _CHARACTERS_SHOWN
        problems.append(Problem(str(path), f"and {rest} more such character{'s' * (rest != 1)}"))
    return problems


def _key_of(node: yaml.Node) -> Any:
    """What makes two mapping keys the same key: tag and text for a scalar."""
    return (node.tag, node.value) if isinstance(node, yaml.ScalarNode) else id(node)


def _merged_pairs(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The (key, value) pairs of a mapping with YAML 1.1 merge keys applied: its own pairs
    (not the ``<<`` key), then each pair of the mappings it merges whose key it does not set
    itself; of several merged mappings (``<<: [*a, *b]``) the first that sets a key wins."""
    own = [(k, v) for k, v in node.value if k.tag != _MERGE_TAG]
    seen = {_key_of(k) for k, _ in own}
    out = list(own)
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE_TAG:
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                continue  # the constructor reports it, with its line
            for k, v in _merged_pairs(source):
                if _key_of(k) not in seen:
                    seen.add(_key_of(k))
                    out.append((k, v))
    return out


def _compose(path: Path, text: str) -> yaml.Node | None:
    """The document's node graph; ``InputError`` naming file, line and column when it is not YAML."""
    problems = _unprintable(path, text)
    if problems:
        raise InputError(f"{path}: not valid YAML", problems)
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({shortened(exc, 300)})") from None
    finally:
        loader.dispose()


def _yaml_error(path: Path, exc: yaml.MarkedYAMLError) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where = f"{path} line {mark.line + 1}" if mark else str(path)
    problem = str(exc.problem or exc)
    if mark:
        problem = f"column {mark.column + 1}: {problem}"
    return InputError(f"{path}: not valid YAML", [Problem(where, shortened(problem, 300))])


def _load_yaml(path: str | Path) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    """``load_yaml`` that returns the duplicated keys as problems instead of raising them, so
    that a caller can report them with the other problems of the file."""
    path = Path(path)
    text = _read_text(path)
    node = _compose(path, text)
    lines: dict[KeyPath, int] = {(): 1}
    duplicates: list[Problem] = []
    checked: set[int] = set()  # mappings checked for duplicated keys (an alias repeats one)

    def walk(n: yaml.Node, at: KeyPath) -> None:
        if isinstance(n, yaml.MappingNode):
            if id(n) not in checked:
                checked.add(id(n))
                seen: set[Any] = set()
                for key_node, _ in n.value:
                    if _key_of(key_node) in seen:
                        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                        duplicates.append(
                            Problem(
                                f"{path} line {key_node.start_mark.line + 1}",
                                f"key {quoted(format_key_path((*at, key)))} appears twice",
                            )
                        )
                    seen.add(_key_of(key_node))
            for key_node, value_node in _merged_pairs(n):
                if not isinstance(key_node, yaml.ScalarNode):
                    continue  # the constructor refuses a mapping or list as a key
                key = key_node.value
                walk(value_node, (*at, key))
                lines[(*at, key)] = key_node.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                lines[(*at, i)] = item.start_mark.line + 1
                walk(item, (*at, i))

    if node is None:
        return None, lines, duplicates
    walk(node, ())
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({shortened(exc, 300)})") from None
    finally:
        loader.dispose()
    return data, lines, duplicates


def load_yaml(path: str | Path, *, problems: list[Problem] | None = None) -> tuple[Any, dict[KeyPath, int]]:
    """Parse a YAML file and map every key path to its 1-based line number.

    Returns ``(data, lines)``: ``data`` as PyYAML's safe loader builds it, and ``lines`` with
    an entry per mapping key and sequence element (``("controls", 0, "items")`` -> 12), so
    that errors can name the line a user must fix. YAML 1.1 merge keys (``<<: *base``) are
    applied, keys written beside them overriding the merged ones; a merged key's line is the
    line where its value is written (in the merged mapping). A key written twice in one
    mapping, which PyYAML would silently resolve to the last value, is an error here.

    Raises ``InputError`` naming the file, line and column when the file is missing, is not
    UTF-8, holds characters YAML does not allow (NUL and other control characters), is not
    YAML, nests deeper than ``MAX_NESTING`` levels, holds aliases that expand it by more than
    ``MAX_ALIAS_NODES`` nodes or an alias inside its own anchor, or repeats a key. With
    ``problems`` given, repeated keys are appended to it instead (the first value is not kept:
    the data holds the last, as PyYAML builds it), so that a caller can report them together
    with the other problems of the file.
    """
    data, lines, duplicates = _load_yaml(path)
    if duplicates and problems is None:
        raise InputError(f"{path}: duplicated keys", duplicates)
    if problems is not None:
        problems += duplicates
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
      optionally ``candidates.csv``, ``certifications.csv``, ``expansions.csv``,
      ``ownership.csv`` and ``sources.csv``, one table each with a header row (or a ``network.yaml``). Cells are
      read as text and parsed by :class:`Network`, so ids are never mangled; an empty cell is
      a missing value.
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


_ROWS_NAMED = 5  # rows of one CSV file named one by one in a problem about their layout


def _csv_rows(file: Path) -> tuple[list[list[str]], list[int]]:
    """The records of a CSV file and the physical line each starts on (1-based; a quoted cell
    may span lines). Records with no text in any cell (blank lines, lines of commas) are left
    out. ``InputError`` naming the line when the file is not UTF-8 or not CSV."""
    text = _read_text(file)
    records: list[list[str]] = []
    starts: list[int] = []
    if '"' not in text:  # no quoting: a record is a line, its cells what the commas separate
        for number, line in enumerate(text.split("\n"), start=1):
            if line.replace(",", "").strip():
                records.append(line.split(","))
                starts.append(number)
        return records, starts
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            if record and (record[0].strip() or any(cell.strip() for cell in record)):
                records.append(record)
                starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            message = f"a quoted cell opened on line {start} is never closed (the file ends inside it)"
        else:
            message = (
                f"cannot be read as CSV ({exc}); a quoted cell ends with a quote followed by a comma or the line's end"
            )
        raise InputError(f"{file}: not valid CSV", [Problem(f"{file} line {start}", message)]) from None
    return records, starts


def _read_csv_table(file: Path) -> tuple[pd.DataFrame, list[int]]:
    """One table CSV file: its cells as text (``""`` for an empty cell), the line of each row.

    The first record is the header. An unnamed column whose cells are all empty (a trailing
    comma after the header or after every row) is dropped; a data row's fields beyond the
    header are accepted when empty and a problem otherwise, and a short row's missing fields
    are empty cells. A column named twice, or an unnamed column holding values, is a problem.
    Raises ``InputError`` with every layout problem of the file, each naming its line.
    """
    records, starts = _csv_rows(file)
    if not records:
        return pd.DataFrame(), []
    header = [cell.strip() for cell in records[0]]
    header_line = starts[0]
    rows, lines = records[1:], starts[1:]
    problems: list[Problem] = []
    positions: dict[str, list[int]] = {}
    for i, column in enumerate(header):
        if column:
            positions.setdefault(column, []).append(i + 1)
    for column, where in positions.items():
        if len(where) > 1:
            listed = ", ".join(str(i) for i in where[:-1]) + f" and {where[-1]}"
            problems.append(
                Problem(
                    f"{file} line {header_line}",
                    f"column {quoted(column)} appears {len(where)} times in the header (columns {listed}); "
                    "each column may be named once: rename or remove the repeats",
                )
            )
    width = len(header)
    unnamed = [i for i, column in enumerate(header) if not column]
    for i in unnamed:
        holding = [r for r, row in enumerate(rows) if i < len(row) and row[i].strip()]
        if holding:
            problems.append(
                Problem(
                    f"{file} line {header_line}",
                    f"column {i + 1} has no name in the header but holds values (on line "
                    f"{', '.join(str(lines[r]) for r in holding[:_ROWS_NAMED])}"
                    f"{' …' if len(holding) > _ROWS_NAMED else ''}); name it in the header or empty it",
                )
            )
    overlong = [r for r, row in enumerate(rows) if len(row) > width and any(c.strip() for c in row[width:])]
    if overlong and len(overlong) == len(rows) and len({len(row) for row in rows}) == 1:
        extra = len(rows[0]) - width
        problems.append(
            Problem(
                f"{file} line {header_line}",
                f"every row has {_count(extra, 'field')} more than the {width} columns the header names: "
                "is a column name missing from the header, or is there a value too many in each row?",
            )
        )
    else:
        for r in overlong[:_ROWS_NAMED]:
            row = rows[r]
            values = [c for c in row[width:] if c.strip()]
            problems.append(
                Problem(
                    f"{file} line {lines[r]}",
                    f"row {r + 1} has {len(row)} fields but the header names {width} columns; "
                    f"{'values' if len(values) > 1 else 'value'} {', '.join(quoted(v) for v in values[:3])}"
                    f"{' …' if len(values) > 3 else ''} {'have' if len(values) > 1 else 'has'} no column",
                )
            )
        if len(overlong) > _ROWS_NAMED:
            problems.append(Problem(str(file), f"and {len(overlong) - _ROWS_NAMED} more rows with too many fields"))
    if problems:
        raise InputError(f"{file}: not a valid table", problems)
    cells = [row if len(row) == width else (row + [""] * (width - len(row)))[:width] for row in rows]
    grid = pd.DataFrame(cells, columns=range(width), dtype=object) if cells else None
    columns: dict[str, pd.Series] = {}
    for i, column in enumerate(header):
        if not column:
            continue
        if grid is None:
            columns[column] = pd.Series([], dtype=str)
            continue
        # one str object per distinct value (as pandas' own reader makes): validation hashes
        # and compares ids by identity, twice as fast as over 100 000 separate copies
        codes, distinct = pd.factorize(grid[i].to_numpy())
        columns[column] = pd.Series(np.asarray(distinct, dtype=object)[codes], dtype=str)
    return pd.DataFrame(columns), lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _read_network_csv(folder: Path, name: str) -> Network:
    """A network from a folder of table CSV files (see ``read_network``). The layout of every
    file (encoding, quoting, header, field counts) is checked first and all its problems are
    reported together; the network's rules are checked once every file could be read."""
    tables: dict[str, pd.DataFrame] = {}
    row_lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    unreadable: set[str] = set()
    for file in sorted(folder.glob("*.csv")):
        table = file.stem
        if table not in TABLES:
            guess = did_you_mean(table, list(TABLES))
            hint = f"; did you mean '{guess}.csv'?" if guess else ""
            problems.append(
                Problem(
                    f"{file}",
                    f"unknown table {quoted(table)}{hint} (tables are: {', '.join(t + '.csv' for t in TABLES)})",
                )
            )
            continue
        try:
            tables[table], row_lines[table] = _read_csv_table(file)
        except InputError as exc:
            problems += exc.problems or [Problem(str(file), exc.summary)]
            unreadable.add(table)
    missing = [t for t in TABLES if t not in OPTIONAL_TABLES and t not in tables and t not in unreadable]
    if not tables and not problems:
        raise InputError(
            f"{folder}: not a network folder",
            [
                Problem(
                    f"{folder}",
                    f"no table CSV files found; expected {', '.join(t + '.csv' for t in TABLES)} "
                    "(candidates.csv, certifications.csv, expansions.csv, ownership.csv and sources.csv optional)",
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
    out = [f"# supplychain network '{network.name}': tables {', '.join(TABLES)} (docs/model.md §1).\n"]
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
