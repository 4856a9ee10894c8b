"""A short run of the load test (make loadtest runs the full one): no error, no lost write, on both databases."""

import pytest

from bench.loadtest import run_load


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_concurrent_canvassers_lose_nothing(request, tmp_path, database):
    uri = f"sqlite:///{tmp_path}/load.sqlite3" if database == "sqlite" else request.getfixturevalue("postgres_url")
    if database == "postgresql":
        # A database of its own: the shared test database is emptied by other tests' fixtures.
        import uuid

        import psycopg
        from sqlalchemy.engine import make_url

        base = make_url(uri)
        name = f"load_{uuid.uuid4().hex[:8]}"
        conninfo = dict(host=base.query["host"], port=base.query["port"], user=base.username, dbname=base.database)
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        uri = base.set(database=name).render_as_string(hide_password=False)
    result = run_load(uri, users=4, seconds=4, workers=2)
    assert result["errors"] == 0, result["error_samples"]
    assert result["acknowledged_writes"] > 0
    assert result["lost_writes"] == 0
    # The phone's sync: every batch sent twice; each acknowledged key is one knock, never two.
    assert result["synced_knocks"] > 0
    assert (result["synced_lost"], result["synced_duplicated"]) == (0, 0)
