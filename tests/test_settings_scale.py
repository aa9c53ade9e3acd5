"""The settings that choose shared infrastructure: the cache URL and the evidence storage."""

import pytest

from safeguards.settings import cache_from_url, evidence_s3_storage


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
