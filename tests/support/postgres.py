"""A throwaway PostgreSQL cluster in a temporary folder (initdb/pg_ctl from the PATH)."""

import glob
import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)
    if not found:
        raise RuntimeError("initdb not found on the PATH or in /usr/lib/postgresql")
    return Path(os.path.realpath(found)).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_cluster(folder: Path):
    """Start a cluster listening on a Unix socket in `folder`; yield its psycopg URL; stop it."""
    bindir = _bindir()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(folder)
    data = folder / "data"
    if as_root:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        shutil.chown(folder, "postgres")
        folder.chmod(0o700)

    def run(*args):
        result = subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(str(args[0])).name} failed: {result.stderr.strip()[-500:]}")

    port = _free_port()
    run(
        bindir / "initdb",
        "-D",
        data,
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    options = (
        f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    run(bindir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o", options, "start")
    try:
        run(bindir / "createdb", "-h", folder, "-p", port, "-U", "postgres", "organizer_test")
        yield f"postgresql+psycopg://postgres@/organizer_test?host={folder}&port={port}"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
