"""The settings that choose shared infrastructure: the database, the cache URL and the
evidence storage."""

import pytest
from django.db import connection

from safeguards.settings import cache_from_url, database_from_url, evidence_s3_storage


def test_postgresql_connections_send_values_apart_and_prepare_repeated_statements():
    config = database_from_url("postgres://sg:secret@db.internal:5432/safeguards")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] == 60
    assert config["OPTIONS"]["server_side_binding"] is True
    assert config["OPTIONS"]["prepare_threshold"] == 2


def test_prepared_statements_can_be_turned_off_and_sqlite_has_none():
    plain = database_from_url("postgres://sg@db.internal/safeguards", prepare=False)
    assert "server_side_binding" not in plain.get("OPTIONS", {})
    assert "prepare_threshold" not in plain.get("OPTIONS", {})
    sqlite = database_from_url("sqlite:////tmp/safeguards.sqlite3")
    assert "server_side_binding" not in sqlite.get("OPTIONS", {})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db
def test_the_server_prepares_a_statement_on_its_third_use_and_reuses_it():
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "prepare-me" in row[0]]

    # The marker is in the SQL, not a parameter: the statement is the same on every use.
    query = "SELECT %s::integer + 1 AS n /* prepare-me */"
    answers = []
    for value in range(4):
        with connection.cursor() as cursor:
            cursor.execute(query, [value])
            answers.append(cursor.fetchone()[0])
        if value == 1:
            assert prepared() == []  # twice: not yet
    assert answers == [1, 2, 3, 4]
    assert len(prepared()) == 1  # prepared once, used by the fourth execution too


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", None),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
        ("db://sg_cache", "django.core.cache.backends.db.DatabaseCache", "sg_cache"),
        ("redis://10.0.0.5:6379/1", "django.core.cache.backends.redis.RedisCache", None),
    ],
)
def test_cache_url_chooses_a_django_cache_backend(url, backend, location):
    config = cache_from_url(url)
    assert config["BACKEND"] == backend
    if location:
        assert config["LOCATION"] == location
    if url.startswith("redis"):
        assert config["LOCATION"] == url


@pytest.mark.parametrize("url", ["memcached://x", "db://", "redis"])
def test_an_unknown_cache_url_stops_the_start(url):
    with pytest.raises(ValueError, match="SAFEGUARDS_CACHE_URL"):
        cache_from_url(url)


def test_s3_storage_takes_its_bucket_keys_region_and_prefix_from_the_environment():
    config = evidence_s3_storage(
        {
            "SAFEGUARDS_EVIDENCE_S3_ENDPOINT": "https://s3.eu-central-1.amazonaws.com",
            "SAFEGUARDS_EVIDENCE_S3_BUCKET": "oig-evidence",
            "SAFEGUARDS_EVIDENCE_S3_ACCESS_KEY": "AKIAEXAMPLE",
            "SAFEGUARDS_EVIDENCE_S3_SECRET_KEY": "secret",
            "SAFEGUARDS_EVIDENCE_S3_REGION": "eu-central-1",
            "SAFEGUARDS_EVIDENCE_S3_PREFIX": "safeguards",
        }
    )
    options = config["OPTIONS"]
    assert (options["bucket_name"], options["region_name"], options["location"]) == (
        "oig-evidence",
        "eu-central-1",
        "safeguards",
    )
    assert (options["access_key"], options["secret_key"]) == ("AKIAEXAMPLE", "secret")


def test_without_keys_boto3_finds_its_own_credentials():
    config = evidence_s3_storage({"SAFEGUARDS_EVIDENCE_S3_ENDPOINT": "https://s3.example"})
    assert "access_key" not in config["OPTIONS"]
    assert "secret_key" not in config["OPTIONS"]
