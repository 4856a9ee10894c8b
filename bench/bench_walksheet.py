"""Walk sheets: the app's sheet for 1,000 doors against a naive one-table-row-per-door sheet and against
WeasyPrint alone on the app's own HTML; peak memory; 20 turfs of 200 doors on both cores."""

import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOORS = int(os.environ.get("BENCH_DOORS", 1000))
TURFS, TURF_DOORS = 20, int(os.environ.get("BENCH_TURF_DOORS", 200))
STREETS = ["rue Joffre", "rue de l'Église", "allée des Acacias", "rue Nationale", "chemin des Fronts"]
NAIVE = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="css/print-base.css"></head>
<body class="paper-a4"><h1>{title}</h1><table><thead><tr><th>#</th><th>Adresse</th><th>Habitant·es</th>
<th>Dernier</th><th>Résultat</th><th>Soutien</th><th>Notes</th></tr></thead><tbody>{rows}</tbody></table></body></html>"""


def _app(url: str):
    from bench.__main__ import Databases

    return Databases.app(url, TESTING=True, PUBLIC_URL="https://organizer.example.org")


def _populate(app, turfs: int, doors_per_turf: int) -> None:
    """Synthetic addresses (odd/even, suffixes, two residents per door), cut into turfs."""
    from organizer.extensions import db
    from organizer.residents.models import Address, Household, Resident
    from organizer.residents.normalize import street_key
    from organizer.turfs import services

    with app.app_context():
        db.create_all()
        for t in range(turfs):
            street = f"{STREETS[t % len(STREETS)]} {t}"
            addresses = []
            for i in range(doors_per_turf):
                address = Address(
                    number=i // 2 + 1,
                    suffix="bis" if i % 7 == 3 else None,
                    street=street,
                    street_key=street_key(street),
                    floor=str(i % 4),
                    lat=49.32 + t * 0.001 + i * 1e-5,
                    lon=5.83 + (i % 2) * 1e-4,
                )
                addresses.append(address)
            db.session.add_all(addresses)
            db.session.flush()
            for i, address in enumerate(addresses):
                household = Household(address_id=address.id)
                db.session.add(household)
                db.session.flush()
                for first, last in (("Hélène", f"Martin{i}"), ("Omar", f"Benali{i}")):
                    db.session.add(
                        Resident(
                            first_name=first,
                            last_name=last,
                            household_id=household.id,
                            data_source="bench",
                            do_not_contact=(i % 50 == 0 and first == "Omar"),
                        )
                    )
            services.create_turf(f"Secteur {t}", services.TurfRule(streets=[street]))
        db.session.commit()


def _naive_html(doors) -> str:
    from organizer.turfs.services import address_line

    rows = "".join(
        f"<tr><td>{d.seq}</td><td>{address_line(d.address)}</td>"
        f"<td>{', '.join(r.display_name for r in d.residents)}</td><td></td>"
        "<td>☐1 ☐2 ☐3 ☐4 ☐5 ☐6 ☐7 ☐8</td><td>1 2 3 4 5</td><td></td></tr>"
        for d in doors
    )
    return NAIVE.format(title="Feuille", rows=rows)


def naive_main(url: str, out: str) -> None:
    """The naive sheet as a whole command would make it (a fresh process: app, doors, one-table PDF)."""
    from organizer.printing.pdf import html_to_pdf
    from organizer.turfs import services

    app = _app(url)
    with app.app_context(), app.test_request_context():
        doors = services.turf_doors(services.find_turf("Secteur 0"))
        Path(out).write_bytes(html_to_pdf(_naive_html(doors)))


def _fresh_process(args: list[str], url: str) -> float:
    """Seconds for a whole command in a new process (imports, app, database, PDF written)."""
    env = dict(
        os.environ,
        ORGANIZER_SQLALCHEMY_DATABASE_URI=url,
        ORGANIZER_SECRET_KEY="bench",
        ORGANIZER_PUBLIC_URL="https://organizer.example.org",
        ORGANIZER_BABEL_DEFAULT_LOCALE="fr",
    )
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, cwd=Path(__file__).resolve().parent.parent)
    return time.perf_counter() - started


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _sheet_memory(url: str) -> tuple[int, int]:
    """Worker: peak resident memory (KB) before and after rendering the turf's sheet, warm."""
    from organizer.turfs import services, walksheet

    app = _app(url)
    with app.app_context(), app.test_request_context():
        turf = services.find_turf("Secteur 0")
        walksheet.sheet_context(turf)  # imports, fonts and templates loaded before the measure
        before = _peak_kb()
        walksheet.build_sheet(turf)
        return before, _peak_kb()


def _render_turfs(args) -> int:
    """Worker: render some turfs' sheets; returns pages printed."""
    path, names = args
    from organizer.turfs import services, walksheet

    app = _app(path)
    pages = 0
    with app.app_context(), app.test_request_context():
        for name in names:
            pages += walksheet.build_sheet(services.find_turf(name)).pages
    return pages


def run(report) -> None:
    from organizer.printing.pdf import html_to_pdf
    from organizer.turfs import services, walksheet

    folder = tempfile.mkdtemp(prefix="bench-walksheet-")
    warm_app = _app(f"sqlite:///{os.path.join(folder, 'warm.sqlite3')}")
    _populate(warm_app, 1, 5)
    with warm_app.app_context(), warm_app.test_request_context():
        walksheet.build_sheet(services.find_turf("Secteur 0"))  # fonts, templates, QR encoder
        from organizer.printing import parts

        parts.render_all(["<p>warm</p>"] * 2, warm_app.static_folder)  # the rendering processes, started
    for label in report.databases.labels:
        app = _app(report.databases.fresh(label))
        _populate(app, 1, DOORS)
        with app.app_context(), app.test_request_context():
            turf = services.find_turf("Secteur 0")
            started = time.perf_counter()
            sheet = walksheet.build_sheet(turf)
            app_time = time.perf_counter() - started
            doors = services.turf_doors(turf)
            started = time.perf_counter()
            html_to_pdf(_naive_html(doors))
            naive_time = time.perf_counter() - started
            # The app's own HTML, whole, rendered serially in this process (with the images it links to).
            common = walksheet._common_context(None)
            html = walksheet.sheets_html([walksheet.sheet_context(turf)], None, common)
            started = time.perf_counter()
            html_to_pdf(html, resources=dict(common["strip"]))
            weasy_time = time.perf_counter() - started
            name = f"walk sheet, {DOORS} doors ({sheet.pages} pages) vs naive table ({label})"
            report.add(name, app_time, naive_time, aim="<= 0.5x")
            report.add(
                f"walk sheet, {DOORS} doors vs WeasyPrint alone on its HTML ({label})",
                app_time,
                weasy_time,
                aim="<= 1.2x",
            )
        # The whole command, each in a fresh process: `flask walk-sheet` against the naive list.
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        out = os.path.join(folder, "fresh.pdf")
        command = _fresh_process(
            [sys.executable, "-m", "flask", "--app", "wsgi", "walk-sheet", "Secteur 0", "--out", out], url
        )
        naive = _fresh_process(
            [sys.executable, "-c", f"from bench.bench_walksheet import naive_main; naive_main({url!r}, {out!r})"], url
        )
        report.add(
            f"`flask walk-sheet`, {DOORS} doors, fresh process, vs naive table likewise ({label})",
            command,
            naive,
            aim="<= 0.5x",
        )
        report.add(f"walk sheet, {DOORS} doors: pages", sheet.pages, unit="pages", aim="<= 50")
        # Memory in a fresh process: this one already holds the shared data set of the other benches.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            rss_before, rss_after = pool.apply(_sheet_memory, (app.config["SQLALCHEMY_DATABASE_URI"],))
        report.add(f"walk sheet, {DOORS} doors: peak memory of a fresh process ({label})", rss_after / 1024, unit="MB")
        growth = (rss_after - rss_before) / 1024
        report.add(
            f"walk sheet, {DOORS} doors: peak memory growth while rendering, fonts included ({label})",
            growth,
            unit="MB",
        )

    many = f"sqlite:///{os.path.join(folder, 'many.sqlite3')}"
    _populate(_app(many), TURFS, TURF_DOORS)
    names = [f"Secteur {t}" for t in range(TURFS)]
    single_app = _app(many)
    with single_app.app_context(), single_app.test_request_context():
        started = time.perf_counter()
        walksheet.build_sheet(services.find_turf(names[0]))
        one = time.perf_counter() - started
    workers = 2
    chunks = [(many, names[i::workers]) for i in range(workers)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pages = sum(pool.map(_render_turfs, chunks))
    both = time.perf_counter() - started
    report.add(
        f"{TURFS} turfs x {TURF_DOORS} doors ({pages} pages), 2 processes vs 20x one turf serial",
        both,
        one * TURFS,
        aim="~0.5x on 2 free cores",
    )
