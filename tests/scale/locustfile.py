"""The load-test scenario (locust, headless): reviewers open and save category pages (several
on the same page at once, on purpose) and upload evidence, viewers read overviews and reports,
approvers approve and download the frozen PDFs.

Every user spreads its requests over all app instances in SCALE_HOSTS (comma-separated, only
http://127.0.0.1:PORT), so a session made on one instance is used on the others. What the
checks need afterwards goes to SCALE_LOG (JSON lines): each accepted save with the versions it
was based on (before sending it) and
its outcome, each accepted upload with its hash, every 5xx.
Each user stops after SCALE_TASKS tasks; locust's --run-time bounds the whole run.
"""

import hashlib
import itertools
import json
import os
import random
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import create_cookie

HOSTS = [h.strip().rstrip("/") for h in os.environ.get("SCALE_HOSTS", "").split(",") if h.strip()]
if not HOSTS or not all(re.fullmatch(r"http://127\.0\.0\.1:\d+", host) for host in HOSTS):
    raise SystemExit("SCALE_HOSTS must list http://127.0.0.1:PORT addresses only")
PLAN = json.loads(Path(os.environ["SCALE_PLAN"]).read_text())
LOG = open(os.environ["SCALE_LOG"], "a", buffering=1)  # noqa: SIM115 (one line per write)
TASKS = int(os.environ.get("SCALE_TASKS", "40"))
FORM = "application/x-www-form-urlencoded"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_usernames = {role: itertools.cycle(names) for role, names in PLAN["people"].items()}
_upload_serial = itertools.count(1)


def log(kind: str, **fields) -> None:
    LOG.write(json.dumps({"kind": kind, **fields}) + "\n")


@events.request.add_listener
def note_server_errors(request_type, name, response, exception, **kwargs):
    if response is not None and getattr(response, "status_code", 0) >= 500:
        log("5xx", name=name, status=response.status_code, method=request_type)


# Every request's start and response time (SCALE_TIMES, tab-separated), for figures over part
# of the run; locust's own files keep percentiles of the whole run only.
TIMES = open(os.environ["SCALE_TIMES"], "a") if os.environ.get("SCALE_TIMES") else None  # noqa: SIM115


@events.request.add_listener
def note_time(name, response_time, start_time=None, **kwargs):
    if TIMES is not None and start_time is not None:
        TIMES.write(f"{start_time:.3f}\t{name}\t{response_time:.1f}\n")


@events.quitting.add_listener
def close_times(**kwargs):
    if TIMES is not None:
        TIMES.close()


# The fields of the pages' post forms, read with regular expressions: the app writes them in one
# style (double-quoted attributes, escaped values), and html.parser took 18 ms of the load
# generator's CPU for each category page, on the same two cores as the app.
POST_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(input|textarea)\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'([^\s=/>]+)(?:="([^"]*)")?')


def attributes(tag: str) -> dict[str, str]:
    return {name.lower(): unescape(value) for name, value in ATTRIBUTE.findall(tag)}


def form_fields(page: str) -> list[tuple[str, str]]:
    """The values a browser would submit from the page's <form method="post">s, in order."""
    fields = []
    for form in POST_FORM.finditer(page):
        if attributes(form.group(1)).get("method", "").lower() != "post":
            continue
        body = form.group(2)
        for field in FIELD.finditer(body):
            attrs = attributes(field.group(2))
            if not attrs.get("name"):
                continue
            if field.group(1).lower() == "textarea":
                text = body[field.end() : body.index("</textarea>", field.end())]
                fields.append((attrs["name"], unescape(text).removeprefix("\n")))
                continue
            kind = (attrs.get("type") or "text").lower()
            if kind in {"radio", "checkbox"} and "checked" not in attrs:
                continue
            if kind not in {"submit", "button", "file"}:
                fields.append((attrs["name"], attrs.get("value") or ""))
    return fields


class SafeguardsUser(FastHttpUser):
    # FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares
    # the app's two cores here, and requests costs it more CPU per request.
    abstract = True
    # Every answer is checked as sent, never a redirect followed. (Not allow_redirects=False
    # per request: FastHttpSession implements it by switching its client's redirects off and on
    # again, and the two colliding saves in flight at once would undo each other's switch.)
    max_redirects = 0
    role = ""
    wait_time = between(0.5, 2.0)
    host = HOSTS[0]

    def on_start(self):
        self.hosts = itertools.cycle(random.sample(HOSTS, len(HOSTS)))
        self.done = 0
        self.username = next(_usernames[self.role])
        session = PLAN["sessions"].get(self.username)
        if session:  # signed in already (tests/scale/seed.py says why)
            cookie = create_cookie("sessionid", session, domain="127.0.0.1")
            self.client.cookiejar.set_cookie(cookie)
            return
        page = self.get("/accounts/login/", name="login page")
        response = self.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            name="login",
        )
        if response.status_code != 302:
            raise StopUser()

    def url(self, path: str) -> str:
        """The next instance in turn: consecutive requests of one user reach different ones."""
        return next(self.hosts) + path

    def get(self, path, name, **kwargs):
        if "catch_response" in kwargs:
            return self.client.get(self.url(path), name=name, **kwargs)
        # A signed-out user is sent to the sign-in page: locust would count that as an answer.
        with self.client.get(self.url(path), name=name, catch_response=True, **kwargs) as response:
            if "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"{name}: signed out (sent to the sign-in page)")
        return response

    def post(self, path, data, name, **kwargs):
        headers = {"Referer": HOSTS[0] + path}
        return self.client.post(self.url(path), data=data, name=name, headers=headers, **kwargs)

    def count(self):
        self.done += 1
        if self.done >= TASKS:
            raise StopUser()


class Reviewer(SafeguardsUser):
    role = "reviewer"
    weight = 24

    def on_start(self):
        super().on_start()
        # Reviewers pair up on drafts, so two of them often save the same page at once.
        self.draft = random.choice(PLAN["drafts"])

    def open_page(self) -> tuple[str, list[tuple[str, str]]] | None:
        code = random.choice(self.draft["categories"])
        path = f"/assessments/{self.draft['id']}/categories/{code}/"
        page = self.get(path, name="category page")
        return (path, form_fields(page.text)) if page.status_code == 200 else None

    def save(self, path: str, fields: list[tuple[str, str]], host: str, name: str) -> int:
        versions = {
            field.removesuffix("-version"): value
            for field, value in fields
            if field.endswith("-version")
        }
        token = f"{self.username}:{random.getrandbits(48):012x}"
        data = [
            (field, f"Saved by {token}.") if field.endswith("-rationale") else (field, value)
            for field, value in fields
        ]
        # Logged before sending: a save the server commits while the run is being stopped is
        # "in doubt" to the checks, not lost.
        log("attempt", assessment=self.draft["id"], token=token, versions=versions)
        with self.client.post(
            host + path,
            data=urlencode(data).encode(),
            name=name,
            headers={"Referer": HOSTS[0] + path, "Content-Type": FORM},
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                log("save", token=token)
                response.success()
            elif response.status_code == 409:  # someone saved the page first: refused, shown
                log("conflict", assessment=self.draft["id"], token=token)
                response.success()
            else:
                response.failure(f"save answered {response.status_code}")
            return response.status_code

    @task(5)
    def open_and_save_a_category(self):
        self.count()
        if opened := self.open_page():
            self.save(*opened, next(self.hosts), "category save")

    @task(1)
    def save_one_page_twice_at_once(self):
        """Two saves of the page as read, sent at the same moment to two instances: exactly
        one may be accepted, the other must come back as a conflict."""
        self.count()
        if not (opened := self.open_page()):
            return
        hosts = [next(self.hosts), next(self.hosts)]
        saves = [gevent.spawn(self.save, *opened, host, "colliding save") for host in hosts]
        gevent.joinall(saves)
        outcomes = sorted(save.value for save in saves if save.value is not None)
        if outcomes == [302, 302]:
            log("both accepted", path=opened[0])

    @task(1)
    def upload_evidence(self):
        self.count()
        deployment = self.draft["deployment"]
        path = f"/deployments/{deployment}/evidence/new/"
        page = self.get(path, name="evidence form")
        n = next(_upload_serial)
        content = (
            f"%PDF-1.4\n% load-test upload {n} by {self.username} {random.getrandbits(64)}\n"
            "1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        ).encode()
        with self.client.post(
            self.url(path),
            data={
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "title": f"Upload {n}",
                "kind": "file",
                "citation": "p. 1",
            },
            files={"upload": (f"upload-{n}.pdf", content, "application/pdf")},
            name="evidence upload",
            headers={"Referer": HOSTS[0] + path},
            catch_response=True,
        ) as response:
            match = re.search(r"/evidence/(\d+)/$", response.headers.get("Location", ""))
            if response.status_code == 302 and match:
                digest = hashlib.sha256(content).hexdigest()
                log("upload", evidence=int(match.group(1)), sha256=digest)
                response.success()
            else:
                response.failure(f"upload answered {response.status_code}")


class Viewer(SafeguardsUser):
    role = "viewer"
    weight = 16

    @task(3)
    def read_an_overview(self):
        self.count()
        self.get(f"/assessments/{random.choice(PLAN['drafts'])['id']}/", name="overview")

    @task(1)
    def read_a_report(self):
        self.count()
        self.get(f"/reports/assessments/{random.choice(PLAN['drafts'])['id']}/", name="report page")


class Approver(SafeguardsUser):
    role = "approver"
    weight = 10

    @task
    def approve_or_download(self):
        self.count()
        pk = random.choice(PLAN["in_review"])
        self.get(f"/assessments/{pk}/", name="overview")
        with self.client.get(
            self.url(f"/reports/assessments/{pk}/versions/1/report.pdf"),
            name="frozen PDF",
            catch_response=True,
        ) as pdf:
            approved = pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            if approved or pdf.status_code == 404:  # 404: not approved yet
                pdf.success()
            else:
                pdf.failure(
                    f"frozen PDF answered {pdf.status_code} {pdf.headers.get('Location', '')}"
                )
        if not approved:  # approve it (two approvers may race: one is refused)
            # The confirmation step: the office's attestation ticked (the note is optional).
            page = self.get(f"/assessments/{pk}/approve/", name="approval confirmation")
            token = CSRF.search(page.text) if page.status_code == 200 else None
            if token:
                self.post(
                    f"/assessments/{pk}/approve/",
                    {"csrfmiddlewaretoken": token.group(1), "confirm": "on"},
                    name="approve",
                )
