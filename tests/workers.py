"""Real Celery workers for the tests marked `worker`: subprocesses consuming from Redis, always stopped at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
COMMON_OPTIONS = ["--loglevel=INFO", "--without-gossip", "--without-mingle"]


def worker_database_url() -> str:
    """The test database, for a worker that must see the rows a transactional test committed."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def purge_broker() -> None:
    """Drop waiting messages and those a killed worker left unacknowledged, so no test gets another's tasks."""
    celery_app.control.purge()
    # kombu's Redis transport keeps delivered, unacknowledged messages under these keys until it restores them.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked", "unacked_index", "unacked_mutex")


@dataclass
class Worker:
    process: subprocess.Popen
    hostname: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def pool_pids(self) -> list[int]:
        """The pool's child processes, which run the tasks (prefork pool)."""
        stats = celery_app.control.inspect(destination=[self.hostname], timeout=5).stats() or {}
        return stats[self.hostname]["pool"]["processes"]

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool children, as a crash or the OOM killer would."""
        _kill_group(self.process)


@contextmanager
def celery_worker(
    *, name: str, log_dir: Path, env: dict[str, str] | None = None, pool: str = "solo", purge: bool = True
) -> Iterator[Worker]:
    """Start a worker, wait until it answers a ping, and stop it (and any pool child left) whatever happens.

    The worker runs in its own session, so `Worker.kill` can reach every process of it and nothing else.
    """
    if purge:
        purge_broker()
    hostname = f"{name}-{os.getpid()}@localhost"
    log = log_dir / f"{name}.log"
    log_dir.mkdir(parents=True, exist_ok=True)
    options = ["--pool=prefork", "--concurrency=1"] if pool == "prefork" else [f"--pool={pool}"]
    with log.open("w") as stream:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                *options,
                *COMMON_OPTIONS,
                "--hostname",
                hostname,
            ],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process=process, hostname=hostname, log=log)
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1):
            assert process.poll() is None, worker.output()
            assert time.monotonic() < deadline, f"the Celery worker did not answer within 60 s\n{worker.output()}"
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        _kill_group(process)  # a pool child outliving its main process, or a main process deaf to SIGTERM


def _kill_group(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
