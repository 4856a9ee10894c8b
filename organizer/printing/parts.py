"""Big documents rendered in parts on every core, then joined into one PDF.

A document that comes as several whole HTML parts (cut at page boundaries by the feature, so that page
numbers are already right) is rendered by a pool of worker processes, one part at a time each: a
process holds one part's layout at most, which bounds memory, and two cores halve the time. One part
is rendered here, without the pool: small documents pay nothing for it."""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO

from organizer.printing.pdf import html_to_pdf

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
# A worker is replaced after this many parts (fonts stay cached in between; memory is given back).
TASKS_PER_WORKER = 50


def workers() -> int:
    """Processes to render with: the cores this process may use (ORGANIZER_PRINT_WORKERS caps it)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    cap = os.environ.get("ORGANIZER_PRINT_WORKERS", "")
    return max(1, min(cores, int(cap))) if cap.isdigit() else max(1, cores)


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # forkserver: workers start from a clean process (the caller may have threads and open
            # database connections that a plain fork would copy), with WeasyPrint already imported.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", "organizer.printing.pdf"])
            _pool = ProcessPoolExecutor(workers(), mp_context=context, max_tasks_per_child=TASKS_PER_WORKER)
        return _pool


def shutdown() -> None:
    """Stop the worker processes (tests, benchmarks; they also stop with this process)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def _cores_busy() -> bool:
    """The last minute's load leaves less than one core free."""
    try:
        return os.getloadavg()[0] > workers() - 1
    except OSError:
        return False


def _render(html: str, static_folder: str, resources: dict | None) -> bytes:
    return html_to_pdf(html, static_folder=static_folder, resources=resources)


def render_all(htmls: list[str], static_folder: str, resources: dict | None = None) -> list[bytes]:
    """Each HTML document to PDF, in parallel when there are several and more than one core.

    `resources`: files made for the documents, see organizer.printing.pdf.html_to_pdf."""
    # A daemonic process (a worker of another pool) may not start processes: it renders alone. So does a
    # machine whose cores are already busy (measured: worker processes then only add their start-up).
    if len(htmls) <= 1 or workers() == 1 or multiprocessing.current_process().daemon or _cores_busy():
        return [html_to_pdf(html, static_folder=static_folder, resources=resources) for html in htmls]
    count = len(htmls)
    return list(_executor().map(_render, htmls, [static_folder] * count, [resources] * count))


def join(pdfs: list[bytes]) -> bytes:
    """One PDF of the parts, in order."""
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(BytesIO(pdf))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def render_joined(htmls: list[str], static_folder: str, resources: dict | None = None) -> bytes:
    """The parts rendered (in parallel) and joined into one PDF."""
    return join(render_all(htmls, static_folder, resources))


def render_many(documents: list[list[str]], static_folder: str, resources: dict | None = None) -> list[bytes]:
    """Several documents, each given as its parts: all parts in one parallel pass, then joined per document."""
    flat = [html for parts in documents for html in parts]
    rendered = iter(render_all(flat, static_folder, resources))
    return [join([next(rendered) for _ in parts]) for parts in documents]
