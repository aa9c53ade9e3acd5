"""Costs an app process pays once, not in every request: the warm-up at start, the kept
SQLite connection."""

import json

from tests.child import run_on_sqlite_file

PROBE = """
import json, sys
import safeguards.wsgi
from django.template import engines
from django.urls import get_resolver
from safeguards.reviews.forms.assessments import WIDGET_RENDERER

cached = engines["django"].engine.template_loaders[0].get_template_cache
jinja = {key[1] for key in WIDGET_RENDERER.engine.env.cache.keys()}
resolvers = [get_resolver(), *(sub for _, sub in get_resolver().namespace_dict.values())]
print(json.dumps({
    "signer_imported": "pyhanko.sign" in sys.modules,
    "views_imported": "safeguards.reviews.views.assessment_category" in sys.modules,
    "urls_ready": all(resolver._populated for resolver in resolvers),
    "page_compiled": "reviews/assessment_category.html" in cached and "base.html" in cached,
    "widgets_compiled": "reviews/widgets/status_radios.html" in jinja,
    "rows_compiled": {"reviews/_assessment_answer_row.html",
                      "reviews/_assessment_answer_readonly_row.html",
                      "reviews/_assessment_category_nav.html"} <= jinja,
}))
"""


def test_loading_the_wsgi_app_prepares_views_urls_templates_signer_and_stamp_font(tmp_path):
    result = run_on_sqlite_file(["-c", PROBE], tmp_path)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state == {
        "signer_imported": True,
        "views_imported": True,
        "urls_ready": True,
        "page_compiled": True,
        "widgets_compiled": True,
        "rows_compiled": True,
    }
    fonts = list((tmp_path / "cache" / "fonts").glob("*-stamp.ttf"))
    assert len(fonts) == 1 and fonts[0].stat().st_size > 10_000


def test_a_signer_that_cannot_warm_up_does_not_stop_the_app(tmp_path):
    # The font cache's folder is a file: the stamp font cannot be written, the app still loads.
    (tmp_path / "cache").write_text("")
    result = run_on_sqlite_file(["-c", "import safeguards.wsgi; print('loaded')"], tmp_path)
    assert result.returncode == 0 and "loaded" in result.stdout, result.stderr
    assert "Warm-up of the report signer failed" in result.stderr


S3_THREADS = """
import json, threading
import botocore.loaders
import safeguards.wsgi
from django.core.files.storage import storages

parsed = []
real = botocore.loaders.JSONFileLoader.load_file
def counted(self, path):
    parsed.append(path)
    return real(self, path)
botocore.loaders.JSONFileLoader.load_file = counted
connections = []
thread = threading.Thread(target=lambda: connections.append(storages["default"].connection))
thread.start()
thread.join()
own = connections[0] is not storages["default"].connection
key = connections[0].meta.client._request_signer._credentials.access_key
print(json.dumps({"parsed_in_thread": parsed, "own_connection": own, "key": key}))
"""


def test_an_app_thread_s_s3_connection_reuses_the_description_parsed_at_start(tmp_path):
    # Each thread's boto3 session parsed 0.3-0.4 s of JSON before the loader was shared.
    env = {
        "SAFEGUARDS_EVIDENCE_S3_ENDPOINT": "http://127.0.0.1:9",  # never contacted
        "SAFEGUARDS_EVIDENCE_S3_ACCESS_KEY": "warm-key",
        "SAFEGUARDS_EVIDENCE_S3_SECRET_KEY": "warm-secret",
    }
    result = run_on_sqlite_file(["-c", S3_THREADS], tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state == {"parsed_in_thread": [], "own_connection": True, "key": "warm-key"}


TWO_REQUESTS = """
import io, sys
from django.core.management import call_command
import safeguards.wsgi
from django.db import connection
call_command("migrate", verbosity=0)

def get(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr}
    statuses = []
    body = safeguards.wsgi.application(environ, lambda status, headers: statuses.append(status))
    b"".join(body)
    body.close()  # request_finished: where Django closes a connection it does not keep
    return statuses[0], connection.connection

first_status, first = get("/accounts/login/")
second_status, second = get("/accounts/login/")
print(first_status, second_status, first is not None and first is second)
"""


def test_an_app_thread_keeps_its_sqlite_connection_from_one_request_to_the_next(tmp_path):
    # Opening one costs ~3.5 ms of CPU (functions, PRAGMAs, the schema) on every request.
    result = run_on_sqlite_file(["-c", TWO_REQUESTS], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200 OK 200 OK True"
