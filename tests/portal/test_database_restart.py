"""A database restart or a killed backend while people work: requests fail cleanly, and the portal recovers by itself.

The portal runs as deployed: gunicorn, DEBUG off, persistent connections (DB_CONN_MAX_AGE) with health checks. It
reaches the test database through tests/db_proxy.py, which fakes the restart: the machine's PostgreSQL is shared
and never restarted.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import OperationalError, connection, transaction

from needs.models import Need, NeedEvent
from portal.views import server_error
from tests.db_proxy import DatabaseProxy
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "portal-under-test"  # how the test finds the server's backends in pg_stat_activity
DOWN_VI = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu"
DOWN_EN = "cannot reach its database"
NEED_INSERT = b'INSERT INTO "needs_need"'

# The server process reads what the test writes: rows must be committed (and are flushed afterwards).
pytestmark = pytest.mark.django_db(transaction=True)


def meals(personas, name: str) -> dict:
    return {
        "commune": personas.commune_a.pk,
        "facility_name": name,
        "beneficiary_count": 30,
        "category": "nutrition",
        "meals_per_day": 1,
        "days": 150,
        "unit_cost": 15000,
        "priority": 2,
        "justification": "Trẻ mầm non ăn trưa tại điểm trường",
    }


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status = raw.status
        self.headers = raw.msg
        self.text = raw.read().decode()

    def json(self):
        return json.loads(self.text)


class Browser:
    """One person's browser reaching the portal through its HTTPS reverse proxy (hence X-Forwarded-Proto).

    It keeps its own cookies: the session and CSRF cookies are Secure, which http.cookiejar never sends over the
    plain HTTP between the proxy and gunicorn.
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, headers)

    def post(self, path: str, form: dict) -> Response:
        body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
        return self.request("POST", path, {"Content-Type": "application/x-www-form-urlencoded"}, body)

    def request(self, method: str, path: str, headers: dict, body: str | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={
                    "X-Forwarded-Proto": "https",
                    "Origin": f"https://127.0.0.1:{self.port}",
                    "Accept-Language": "vi",
                    "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
                    **headers,
                },
            )
            raw = conn.getresponse()
            for header in raw.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw)
        finally:
            conn.close()

    def log_in(self, username: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status == 302, response.text


@dataclass
class Server:
    port: int
    log: Path


@pytest.fixture(scope="module")
def module_proxy(django_db_setup):
    db = connection.settings_dict
    proxy = DatabaseProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def proxy(module_proxy):
    """The proxy, up and disarmed again after each test, whatever happened in it."""
    yield module_proxy
    module_proxy.disarm()
    module_proxy.come_back()


@pytest.fixture(scope="module")
def server(module_proxy, tmp_path_factory):
    """gunicorn with two workers as in production, DEBUG off, persistent connections, through the proxy.

    One server for the module: starting one takes seconds, and recovering without a restart is the point.
    """
    db = connection.settings_dict
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    var = tmp_path_factory.mktemp("server")
    log = var / "server.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.portal.server_settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@127.0.0.1:{module_proxy.port}/{db['NAME']}"
        f"?application_name={APPLICATION_NAME}",
        "DB_CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_VAR_DIR": str(var),
    }
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"gunicorn did not answer within 60 s\n{log.read_text()}"
            try:
                Browser(port).get("/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield Server(port=port, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def assert_clean_503(response: Response, message: str = DOWN_VI) -> None:
    assert response.status == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert message in response.text
    for leak in ("Traceback", "OperationalError", "psycopg"):  # no debug page, nothing about the internals
        assert leak not in response.text


def assert_nothing_saved() -> None:
    assert not Need.objects.exists()
    assert not NeedEvent.objects.exists()
    assert not Need.history.exists()


def test_a_restart_fails_requests_cleanly_and_the_portal_recovers_by_itself(personas, proxy, server):
    officer = Browser(server.port)
    officer.log_in("officer_a")
    assert officer.get("/needs/").status == 200
    assert officer.get("/api/v1/needs/", Accept="application/json").status == 200

    # The database goes down just as the portal commits a new need: all its rows were sent, none was committed.
    proxy.inject_at(NEED_INSERT, b"COMMIT", proxy.go_down)
    response = officer.post("/needs/group/new/", meals(personas, "Điểm trường Nà Hin"))
    assert proxy.injected.wait(timeout=30), "the database did not go down during the POST"
    assert_clean_503(response)
    assert "text/html" in response.headers["Content-Type"]
    assert_nothing_saved()

    # While it is down: pages, the API (in JSON, in the caller's language) and /healthz say so.
    assert_clean_503(officer.get("/needs/"))
    api = officer.get("/api/v1/needs/", Accept="application/json")
    assert_clean_503(api)
    assert api.json() == {"detail": f"{DOWN_VI}, vui lòng thử lại sau ít phút."}
    assert_clean_503(officer.get("/api/v1/needs/", Accept="application/json", **{"Accept-Language": "en"}), DOWN_EN)
    monitoring = Browser(server.port)  # a probe has no session
    health = monitoring.get("/healthz")
    assert health.status == 503
    assert health.json()["database"].startswith("error")

    proxy.come_back()
    # The very next requests work, on the same server processes and in the same session (200, not the login page).
    assert officer.get("/needs/").status == 200
    assert officer.get("/api/v1/needs/", Accept="application/json").json()["count"] == 0
    assert monitoring.get("/healthz").json()["database"] == "ok"
    response = officer.post("/needs/group/new/", meals(personas, "Điểm trường Nà Hin"))
    assert response.status == 302, response.text
    need = Need.objects.get()
    assert need.facility_name == "Điểm trường Nà Hin"
    assert need.events.count() == 1

    log = server.log.read_text()  # one line at ERROR for each refused request, no traceback
    assert "ERROR portal.views Database unreachable: POST /needs/group/new/ answered 503 (OperationalError" in log
    assert "ERROR portal.views Database unreachable: GET /api/v1/needs/ answered 503" in log
    assert "Traceback" not in log


SERVER_BACKENDS = "FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s"


def server_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid {SERVER_BACKENDS}", [APPLICATION_NAME])
        return {pid for (pid,) in cursor.fetchall()}


def terminate_server_backends() -> None:
    """What an administrator or a failover does, to the test server's backends only; returns once they are gone.

    pg_terminate_backend stays in the select list: in a WHERE clause PostgreSQL may call it before the other
    conditions, on every backend of the machine. The proxy may call this from its own thread: the thread's
    connection is closed at the end.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pid, pg_terminate_backend(pid) {SERVER_BACKENDS}", [APPLICATION_NAME])
            terminated = {pid for pid, _signalled in cursor.fetchall()}
        assert terminated, "the server holds no database connection"
        deadline = time.monotonic() + 30
        while server_backends() & terminated:
            assert time.monotonic() < deadline, "terminated backends still run after 30 s"
            time.sleep(0.05)
    finally:
        connection.close()


def test_a_backend_killed_while_the_portal_commits_fails_that_request_alone(personas, proxy, server):
    officer = Browser(server.port)
    officer.log_in("officer_a")

    proxy.inject_at(NEED_INSERT, b"COMMIT", terminate_server_backends)
    response = officer.post("/needs/group/new/", meals(personas, "Điểm trường Nà Hin"))
    assert proxy.injected.wait(timeout=30), "no backend was killed during the POST"
    assert_clean_503(response)
    assert_nothing_saved()

    assert officer.get("/needs/").status == 200
    assert officer.post("/needs/group/new/", meals(personas, "Điểm trường Nà Hin")).status == 302
    assert Need.objects.get().events.count() == 1


def test_connections_lost_between_requests_are_replaced_before_a_request_fails(personas, proxy, server):
    """CONN_HEALTH_CHECKS: a persistent connection that died while idle is replaced before a request uses it."""
    officer = Browser(server.port)
    officer.log_in("officer_a")
    faults = [(proxy.restart, "Nhà trẻ Khuổi Khon"), (terminate_server_backends, "Điểm trường Cốc Phường")]
    for fault, facility in faults:
        for _ in range(4):  # with two workers, most likely both hold a connection now
            assert officer.get("/needs/").status == 200
        before = server_backends()

        fault()

        assert officer.get("/needs/").status == 200, fault
        assert officer.get("/api/v1/needs/", Accept="application/json").status == 200, fault
        assert officer.post("/needs/group/new/", meals(personas, facility)).status == 302, fault
        assert Need.objects.filter(facility_name=facility).count() == 1
        assert server_backends() - before, "the server did not open new connections"


@pytest.mark.django_db
def test_a_failed_query_on_a_live_connection_stays_a_500(rf):
    """A statement timeout or a deadlock is not an outage: the connection is fine, so no "database down" page."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")
    except OperationalError:
        response = server_error(rf.get("/needs/"))
    assert response.status_code == 500
    assert DOWN_VI not in response.content.decode()
