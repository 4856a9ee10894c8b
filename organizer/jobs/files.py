"""Files that jobs read and leave (uploads waiting for their import, reports), readable from any host.

They live in the database (table job_files) unless ORGANIZER_SHARED_FOLDER names a folder every web and
worker host mounts; never only in the instance folder of the host that received them. Database files are
written in the caller's transaction (committed with it), shared-folder files at once."""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select

from organizer.extensions import db
from organizer.jobs.models import JobFile

_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


def _shared(folder: str, name: str | None = None) -> Path | None:
    root = current_app.config.get("SHARED_FOLDER")
    if not root:
        return None
    if not _SAFE.match(folder) or (name is not None and (not _SAFE.match(name) or name.startswith("."))):
        raise ValueError("unsafe job file name")
    path = Path(root) / folder
    return path / name if name is not None else path


def put(folder: str, name: str, data: bytes | str) -> None:
    """Write (or replace) a file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = _shared(folder, name)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(path)  # readers on other hosts never see half a file
        return
    row = db.session.scalar(select(JobFile).where(JobFile.folder == folder, JobFile.name == name))
    if row is None:
        db.session.add(JobFile(folder=folder, name=name, data=payload))
    else:
        row.data, row.created_at = payload, datetime.now(UTC)
    db.session.flush()


def get(folder: str, name: str) -> bytes | None:
    """The file's bytes, or None when there is no such file."""
    path = _shared(folder, name)
    if path is not None:
        return path.read_bytes() if path.is_file() else None
    return db.session.scalar(select(JobFile.data).where(JobFile.folder == folder, JobFile.name == name))


def exists(folder: str, name: str) -> bool:
    """Whether the file is there (without reading it)."""
    path = _shared(folder, name)
    if path is not None:
        return path.is_file()
    query = select(func.count()).select_from(JobFile).where(JobFile.folder == folder, JobFile.name == name)
    return bool(db.session.scalar(query))


def remove(folder: str, name: str) -> None:
    """Delete the file if it is there."""
    path = _shared(folder, name)
    if path is not None:
        path.unlink(missing_ok=True)
        return
    db.session.execute(delete(JobFile).where(JobFile.folder == folder, JobFile.name == name))


def purge(folders: set[str], cutoff: datetime) -> int:
    """Delete the files of these folders written before `cutoff`; return how many went.

    Also sweeps the same folders in the instance folder, where earlier versions kept uploads."""
    count = 0
    if folders:
        result = db.session.execute(delete(JobFile).where(JobFile.folder.in_(folders), JobFile.created_at < cutoff))
        count += result.rowcount or 0
    for folder in sorted(folders):
        places = [Path(current_app.instance_path) / folder]
        shared = _shared(folder)
        if shared is not None:
            places.append(shared)
        for place in places:
            for path in place.iterdir() if place.is_dir() else ():
                if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
                    path.unlink(missing_ok=True)
                    count += 1
    return count
