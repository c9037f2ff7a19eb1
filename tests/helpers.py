"""Small helpers shared by tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "cibgraph.cli"]


def run_cli(
    *args: str, env: dict[str, str], check: bool = True, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run ``cibgraph ARGS`` in a subprocess, as a user would."""
    proc = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"cibgraph {' '.join(args)} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket ``pid`` listens on, read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            hex_addr, hex_port = local.split(":")
            found.append((_decode(hex_addr, v6), int(hex_port, 16)))
    return found


def _decode(hex_addr: str, v6: bool) -> str:
    import ipaddress

    raw = bytes.fromhex(hex_addr)
    if not v6:
        return str(ipaddress.IPv4Address(raw[::-1]))
    # /proc stores IPv6 as four little-endian 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    addr = ipaddress.IPv6Address(words)
    return str(addr.ipv4_mapped) if addr.ipv4_mapped else str(addr)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html: Path, png: Path, profile: Path, size: str = "1280,2000") -> None:
    """Render ``html`` in headless Chromium and save a PNG (raises if it fails)."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    proc = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot:\n{proc.stderr[-2000:]}")


def cli_environment(settings: Any) -> dict[str, str]:
    """Environment for running the ``cibgraph`` CLI against the server of ``settings``
    (the embedded server's data directory, or a Neo4j's URI and credentials)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    if settings.embedded:
        env["CIBGRAPH_DATA_DIR"] = str(settings.data_dir)
    else:
        env["CIBGRAPH_URI"] = str(settings.uri)
        env["CIBGRAPH_USER"] = settings.user
        if settings.password:
            env["CIBGRAPH_PASSWORD"] = settings.password
        if settings.database:
            env["CIBGRAPH_DATABASE"] = settings.database
    return env


def read_gexf(path: Path) -> Any:
    """``networkx.read_gexf`` of one of our GEXF files. networkx has no reader for
    ``timeformat="dateTime"`` (it knows integer, double and date), so the times are read
    as ``date``: as the ISO strings they are."""
    import io

    import networkx as nx

    data = Path(path).read_bytes().replace(b'timeformat="dateTime"', b'timeformat="date"', 1)
    return nx.read_gexf(io.BytesIO(data))
