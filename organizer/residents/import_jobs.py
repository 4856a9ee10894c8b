"""Web imports in the background: the check of the whole file (dry run) and the import itself.

The uploaded file waits in the instance folder under a token (see views); the worker reads it there,
validates every row with progress, then writes in one transaction (all or nothing). The per-row report
stays next to the file (it quotes cells: personal data), the job keeps only counts."""

import json
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from organizer.db import write_intent
from organizer.extensions import db
from organizer.jobs import views as job_views
from organizer.jobs.services import JOB_FOLDERS, job_handler
from organizer.residents import importing
from organizer.residents.forms import ImportConfirmForm
from organizer.residents.labels import ELECTORAL_WARNING

CHECK, IMPORT = "residents.import_check", "residents.import"
MAX_ERRORS_SHOWN = 500


def errors_path(folder: Path, token: str, job_id: int) -> Path:
    return folder / f"{token}.errors-{job_id}.json"


def preview_path(folder: Path, token: str, job_id: int) -> Path:
    """The first rows as they will be stored (personal data: kept beside the upload, deleted with it)."""
    return folder / f"{token}.preview-{job_id}.json"


def _run(job, progress, dry_run: bool):
    params = job.params
    folder, token = Path(params["folder"]), params["token"]
    data_path = folder / f"{token}.data"
    if not data_path.exists():
        raise importing.FileProblem(_("This import has expired or was already done: upload the file again."))
    data, job_id, user_id = data_path.read_bytes(), job.id, job.created_by_id
    db.session.commit()  # end the read of the job: the import takes the write lock for itself
    with write_intent():
        try:
            report = importing.run_import(
                data,
                params["filename"],
                fmt=params["format"],
                mapping=params.get("mapping"),
                source=params.get("source"),
                dry_run=dry_run,
                skip_invalid=dry_run or bool(params.get("skip_invalid")),
                user_id=user_id,
                progress=progress.report,
                basis=params.get("basis"),
                purpose=params.get("purpose"),
            )
        except Exception:
            db.session.rollback()
            raise
        if report.written:
            db.session.commit()
        else:
            db.session.rollback()
    if report.errors:
        shown = [error.as_dict() for error in report.errors[:MAX_ERRORS_SHOWN]]
        errors_path(folder, token, job_id).write_text(json.dumps({"errors": shown, "count": len(report.errors)}))
    if report.preview:
        preview_path(folder, token, job_id).write_text(json.dumps(report.preview))
    if report.rejected_rows:
        (folder / f"{token}.rejects.csv").write_text(report.rejects_csv(), encoding="utf-8-sig")
    if report.written:
        data_path.unlink(missing_ok=True)
        if not report.rejected_rows:
            (folder / f"{token}.json").unlink(missing_ok=True)
    summary = {
        "rows": report.rows,
        "format": report.format,
        "source": report.source or "",
        "addresses": report.created["addresses"],
        "households": report.created["households"],
        "residents": report.created["residents"],
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "possible_duplicates": report.possible_duplicates,
        "errors": len(report.errors),
        "written": report.written,
    }
    return summary, None, None, None


@job_handler(CHECK)
def check_import(job, progress):
    """Dry run of the whole file: what importing would do, and every row's problems."""
    return _run(job, progress, dry_run=True)


@job_handler(IMPORT)
def run_import(job, progress):
    """The import itself: every row, or with skip_invalid the valid ones; nothing when a row is wrong."""
    return _run(job, progress, dry_run=False)


class _Report:
    """What the report template reads, rebuilt from the job's counts and the saved per-row problems."""

    def __init__(self, summary: dict, errors: list[dict], error_count: int, preview: list[dict] | None = None):
        self.format = summary.get("format", "")
        self.rows = summary.get("rows", 0)
        self.created = {key: summary.get(key, 0) for key in ("addresses", "households", "residents")}
        self.updated = summary.get("updated", 0)
        self.unchanged = summary.get("unchanged", 0)
        self.rejected = summary.get("rejected", 0)
        self.written = bool(summary.get("written"))
        self.errors = errors
        self.more_errors = max(0, error_count - len(errors))
        self.possible_duplicates = summary.get("possible_duplicates", 0)
        self.preview = preview or []


def outcome(job) -> str:
    """The end of an import job's page: the report, and what to do next."""
    params = job.params
    folder, token = Path(params["folder"]), params["token"]
    errors, count = [], 0
    if job.state == "done" and job.summary.get("errors"):
        path = errors_path(folder, token, job.id)
        if path.exists():
            saved = json.loads(path.read_text())
            errors, count = saved["errors"], saved["count"]
    preview = []
    if job.state == "done" and preview_path(folder, token, job.id).exists():
        preview = json.loads(preview_path(folder, token, job.id).read_text())
    report = _Report(job.summary or {}, errors, count, preview)
    may_retry = (folder / f"{token}.data").exists() and (folder / f"{token}.json").exists()
    form = None
    if may_retry and (job.kind == CHECK or not report.written):
        form = ImportConfirmForm(
            formdata=None,
            source=params.get("source") or job.summary.get("source") or "",
            basis=params.get("basis") or importing.default_basis(params["format"]),
            purpose=params.get("purpose") or importing.default_purpose(params["format"]),
        )
    return Markup(  # noqa: S704 - a rendered template (autoescaped)
        render_template(
            "residents/_import_job.html",
            job=job,
            check=job.kind == CHECK,
            report=report,
            token=token,
            filename=params["filename"],
            generic=params["format"] == "generic",
            electoral=params["format"] == "electoral-list",
            electoral_warning=ELECTORAL_WARNING,
            form=form,
            has_rejects=(folder / f"{token}.rejects.csv").exists() and bool(report.rejected),
        )
    )


job_views.JOB_LABELS.update({CHECK: _l("Check before importing"), IMPORT: _l("Import")})
job_views.JOB_OUTCOMES.update({CHECK: outcome, IMPORT: outcome})
job_views.CREATOR_ONLY.update({CHECK, IMPORT})
JOB_FOLDERS.add("imports")  # the uploads waiting for their jobs, deleted with them (see views._import_folder)
