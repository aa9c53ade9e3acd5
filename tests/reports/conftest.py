import pytest


@pytest.fixture(autouse=True)
def report_cache_in_tmp(settings, tmp_path):
    """Draft PDFs are cached under DATA_DIR; keep each test's cache to itself."""
    settings.DATA_DIR = tmp_path
