"""Files that hold personal data (uploads, rejects, exports, backups, printed sheets, the database): readable by
the account that runs the app only (0600), whatever the process's umask."""

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> Path:
    """Create the folder (and its parents) if needed; a folder created here is 0700."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return path


def create_private(path: Path) -> Path:
    """Create (or truncate) `path` as an empty 0600 file, for a writer that opens it by name afterwards
    (SQLite's backup API, pg_dump): the file never exists with a wider mode."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)  # an existing file keeps its mode on O_CREAT: narrow it
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write `data` to `path` (replacing it), mode 0600."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)
        handle.write(payload)
    return path
