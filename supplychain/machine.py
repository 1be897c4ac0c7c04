"""What the machine and its neighbours offer, checked before work starts: the memory this
process may still use, and the form of a Dask scheduler's address (and whether it answers).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from .errors import InputError

__all__ = [
    "DASK_CONNECT_TIMEOUT",
    "DASK_SCHEMES",
    "available_memory",
    "check_dask_address",
    "check_memory",
    "connect_dask",
    "format_bytes",
]


def available_memory() -> int | None:
    """Bytes of memory this process can still use: the least of the system's available memory
    (``MemAvailable`` of /proc/meminfo, else ``os.sysconf`` available pages) and what is left
    under a cgroup (v2) memory limit; None when neither can be read."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        if limit != "max":
            with open("/sys/fs/cgroup/memory.current", encoding="ascii") as f:
                found.append(max(int(limit) - int(f.read().strip()), 0))
    except (OSError, ValueError):
        pass
    found = [b for b in found if b > 0]
    return min(found) if found else None


def format_bytes(nbytes: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: binary units, one decimal."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024:
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} PiB"


def check_memory(what: str, count: int, bytes_each: int, item: str, where: str = "") -> None:
    """``InputError`` when ``count`` items of ``bytes_each`` bytes would need more memory than
    ``available_memory`` says is left (no check when that is unknown). ``what`` names the
    setting (``"samples"``, or an option: ``"--samples"``), ``item`` what is counted
    (``"sample"``), ``where`` on what."""
    available = available_memory()
    if available is None or count * bytes_each <= available:
        return
    setting = f"{what} {count}" if what.startswith("--") else f"{what} = {count}"
    raise InputError(
        f"{setting} would need about {format_bytes(count * bytes_each)} of memory ({bytes_each} bytes a "
        f"{item}{where}), more than the {format_bytes(available)} available here; use at most "
        f"{available // bytes_each} {item}s"
    )


DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
"""Address schemes of a Dask scheduler; an address without one is ``tcp``."""

DASK_CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler to answer before the run stops with an ``InputError``."""


def check_dask_address(address: str, what: str = "dask") -> str:
    """The scheduler address as given when it has the form ``[scheme://]host:port`` (scheme one
    of ``DASK_SCHEMES``, IPv6 hosts in brackets, port 1-65535); ``InputError`` naming ``what``
    otherwise."""

    def bad(why: str) -> InputError:
        return InputError(
            f"{what} {address!r}: {why}; give the scheduler's address as host:port or scheme://host:port, "
            "such as tcp://127.0.0.1:8786"
        )

    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    if scheme not in DASK_SCHEMES:
        raise bad(f"unknown scheme '{scheme}' (known: {', '.join(DASK_SCHEMES)})")
    if scheme == "inproc":
        if not rest:
            raise bad("no address after inproc://")
        return text
    if rest.startswith("["):
        host, close, port = rest[1:].partition("]")
        if not close or not port.startswith(":"):
            raise bad("an IPv6 host needs the form [host]:port")
        port = port[1:]
    else:
        host, colon, port = rest.rpartition(":")
        if not colon:
            raise bad("missing port number")
    if not host or any(ch.isspace() or ch in "/?#@" for ch in host):
        raise bad("missing or malformed host")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise bad(f"port '{port}' is not a number from 1 to 65535")
    return text


def connect_dask(client_class: Any, address: str) -> Any:
    """A Dask client of the scheduler at ``address``; ``InputError`` when it does not answer
    within ``DASK_CONNECT_TIMEOUT`` seconds."""
    try:
        return client_class(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"could not connect to the Dask scheduler at {address} ({exc}); check the address (--dask) and "
            "that the scheduler is running"
        ) from None
