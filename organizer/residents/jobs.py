"""Web imports in the background: the check of the whole file (dry run) and the import itself.

The uploaded file waits among the job files (organizer/jobs/files.py: the database or the shared folder,
so any worker host reads it) under a token (see views); the worker validates every row with progress,
then writes in one transaction (all or nothing) that also marks the job done and deletes the upload, so a
run cut short by a dead worker is either wholly there or not at all, and never done twice. The per-row
report stays beside the upload (it quotes cells: personal data), the job keeps only counts."""

import json

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from organizer.db import write_intent
from organizer.extensions import db
from organizer.jobs import files
from organizer.kernel.contributions import JobKind
from organizer.residents import importing
from organizer.residents.forms import ImportConfirmForm
from organizer.residents.labels import ELECTORAL_WARNING

CHECK, IMPORT = "residents.import_check", "residents.import"
# job files: <token>.data (the upload), .json (its details), .rejects.csv, .errors-<job>.json, .preview-<job>.json
FOLDER = "imports"
MAX_ERRORS_SHOWN = 500


def errors_name(token: str, job_id: int) -> str:
    """The job file holding a job's per-row problems."""
    return f"{token}.errors-{job_id}.json"


def preview_name(token: str, job_id: int) -> str:
    """The job file holding the first rows as they will be stored (personal data: kept beside the upload,
    deleted with it)."""
    return f"{token}.preview-{job_id}.json"


def _run(job, progress, dry_run: bool):
    params = job.params
    token = params["token"]
    data = files.get(FOLDER, f"{token}.data")
    if data is None:
        raise importing.FileProblem(_("This import has expired or was already done: upload the file again."))
    job_id, user_id = job.id, job.created_by_id
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
            if report.errors:
                shown = [error.as_dict() for error in report.errors[:MAX_ERRORS_SHOWN]]
                saved = json.dumps({"errors": shown, "count": len(report.errors)})
                files.put(FOLDER, errors_name(token, job_id), saved)
            if report.preview:
                files.put(FOLDER, preview_name(token, job_id), json.dumps(report.preview))
            if report.rejected_rows:
                files.put(FOLDER, f"{token}.rejects.csv", report.rejects_csv().encode("utf-8-sig"))
            summary = _summary(report)
            if report.written:
                files.remove(FOLDER, f"{token}.data")
                if not report.rejected_rows:
                    files.remove(FOLDER, f"{token}.json")
                progress.finish(summary)  # the rows, the files and "done" in one commit
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return summary, None, None, None


def _summary(report) -> dict:
    return {
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


def check_import(job, progress):
    """Dry run of the whole file: what importing would do, and every row's problems."""
    return _run(job, progress, dry_run=True)


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
    token = params["token"]
    errors, count = [], 0
    if job.state == "done" and job.summary.get("errors"):
        saved = files.get(FOLDER, errors_name(token, job.id))
        if saved is not None:
            saved = json.loads(saved)
            errors, count = saved["errors"], saved["count"]
    preview = []
    if job.state == "done":
        saved_preview = files.get(FOLDER, preview_name(token, job.id))
        preview = json.loads(saved_preview) if saved_preview is not None else []
    report = _Report(job.summary or {}, errors, count, preview)
    may_retry = files.exists(FOLDER, f"{token}.data") and files.exists(FOLDER, f"{token}.json")
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
            has_rejects=bool(report.rejected) and files.exists(FOLDER, f"{token}.rejects.csv"),
        )
    )


# Only the person who uploaded the file sees these jobs, not even an administrator: the report quotes it.
_OPTIONS = {"outcome": outcome, "roles": (), "folders": (FOLDER,)}
CHECK_KIND = JobKind(CHECK, check_import, _l("Check before importing"), **_OPTIONS)
IMPORT_KIND = JobKind(IMPORT, run_import, _l("Import"), **_OPTIONS)
