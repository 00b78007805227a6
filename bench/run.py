"""`make bench`: No Surprises at national scale, measured against its own floor.

For each database (SQLite always; PostgreSQL when BENCH_DATABASE_URL is set):
1. build a national-scale database once (`flask demo-data --scale national --seed 1`),
   reused by later runs while the schema revision and seed match;
2. start the app under gunicorn with 2 workers on 127.0.0.1 and sign in as a leader,
   a PA and a manager;
3. time /healthz (the floor) and the pages users live on: p50/p95/p99 with one client,
   requests per second with 8 concurrent clients, and each page's ratio to /healthz;
4. sample every worker's resident memory during the run;
5. time the background work in-process: reminder sweeps, 1,000 emails to a local SMTP
   server, a 10,000-row people import and a year's compliance export;
6. write bench/results/<date>-<database>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import background, targets  # noqa: E402
from bench.http_load import Client, measure_latency, measure_throughput  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
FLASK = [str(PYTHON), "-m", "flask", "--app", "app"]
SEED = 1
DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"


@dataclass
class PageResult:
    name: str
    user: str
    path: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps_8_clients: float
    ratio_to_floor: float
    errors: int


@dataclass
class Run:
    database: str
    started: str
    machine: dict[str, Any]
    generation_seconds: float | None
    floor: dict[str, float] = field(default_factory=dict)
    pages: list[PageResult] = field(default_factory=list)
    worker_rss_mb_max: float = 0.0
    background: dict[str, float] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    scale: str = "national"


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(int(meminfo) / 1024 / 1024, 1),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "TRACKER_ENV": "development",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(32),
            "LOGIN_LIMIT_PER_IP": "10000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "10000 per minute",
            "API_RATE_LIMIT": "1000000 per minute",
            "GUNICORN_ACCESS_LOG": "",
            # No recycling after N requests: fast pages would restart workers mid-run
            # (dropping keep-alive connections), and memory must hold without it.
            "GUNICORN_MAX_REQUESTS": "0",
            "BASE_URL": "http://127.0.0.1",
        }
    )
    return env


def prepare_database(database_url: str, env: dict[str, str], scale: str) -> float | None:
    """Migrate and generate the data set unless it is already there."""
    subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    if targets.is_ready(env):
        print(f"  reusing the {scale} data set")
        return None
    started = time.monotonic()
    subprocess.run(
        [*FLASK, "demo-data", "--scale", scale, "--seed", str(SEED)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    return time.monotonic() - started


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "app:app",
        ],
        env={**env, "GUNICORN_WORKERS": "2"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _ = Client("127.0.0.1", port).request("GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start and answer /healthz within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    """Stop the master and wait for every worker too: a worker still holding a database
    connection would stop PostgreSQL copying the database for the background work."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(server.pid, signal.SIGKILL)


class MemorySampler(threading.Thread):
    """Largest resident set of any gunicorn worker while the benchmark runs."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.max_kb = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in self._children():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.max_kb = max(self.max_kb, int(line.split()[1]))
                except OSError:
                    continue
            time.sleep(0.5)

    def _children(self) -> list[int]:
        path = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []


def run_database(name: str, database_url: str, args: argparse.Namespace) -> Run:
    print(f"== {name}")
    env = environment(database_url)
    run = Run(
        database=name,
        started=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        machine=machine(),
        generation_seconds=prepare_database(database_url, env, args.scale),
    )
    fixtures = targets.fixtures(env)
    port = free_port()
    server = start_gunicorn(env, port)
    sampler = MemorySampler(server.pid)
    sampler.start()
    try:
        clients = {}
        for role, email in targets.USERS.items():
            client = Client("127.0.0.1", port)
            client.sign_in(email, "demo-password-1")
            clients[role] = client
        clients["api"] = (
            Client("127.0.0.1", port, {"Authorization": f"Bearer {fixtures['api_token']}"})
            if fixtures.get("api_token")
            else None
        )
        clients["anonymous"] = Client("127.0.0.1", port)

        floor = measure_latency(clients["anonymous"], "/healthz", args.requests)
        floor_rps, _ = measure_throughput(clients["anonymous"], "/healthz", 8, args.seconds)
        run.floor = {
            "p50_ms": floor.p50,
            "p95_ms": floor.p95,
            "p99_ms": floor.p99,
            "rps_8_clients": floor_rps,
        }
        print(f"  /healthz p95 {floor.p95:.1f} ms, {floor_rps:.0f} req/s")
        for page in targets.pages(fixtures):
            client = clients.get(page.user)
            if client is None:
                continue
            latency = measure_latency(client, page.path, args.requests)
            rps, errors = measure_throughput(client, page.path, 8, args.seconds)
            result = PageResult(
                page.name,
                page.user,
                page.path,
                latency.p50,
                latency.p95,
                latency.p99,
                rps,
                rps / floor_rps if floor_rps else 0.0,
                latency.errors + errors,
            )
            run.pages.append(result)
            print(
                f"  {page.name}: p95 {latency.p95:.1f} ms, {rps:.0f} req/s "
                f"({result.ratio_to_floor:.0%} of floor)"
                + (f", {result.errors} errors" if result.errors else "")
            )
    finally:
        sampler.running = False
        stop_gunicorn(server)
    run.worker_rss_mb_max = sampler.max_kb / 1024
    run.background = background.measure(env)
    run.scale = args.scale
    run.targets = targets.evaluate(run)
    return run


def write_results(run: Run) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = "" if run.scale == "national" else f"-{run.scale}"
    stem = RESULTS_DIR / f"{date.today().isoformat()}-{run.database}{suffix}"
    stem.with_suffix(".json").write_text(json.dumps(asdict(run), indent=2, default=str) + "\n")
    stem.with_suffix(".md").write_text(targets.markdown(run))
    return stem.with_suffix(".md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page, one client"
    )
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="seconds per page with 8 clients"
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument(
        "--scale",
        choices=["system", "national"],
        default="national",
        help="data set size (national is what the targets are about; system is for a quick try)",
    )
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    databases = []
    if args.only in (None, "sqlite"):
        databases.append(("sqlite", f"sqlite:///{DATA_DIR / (args.scale + '.db')}"))
    if args.only in (None, "postgresql"):
        url = os.environ.get("BENCH_DATABASE_URL")
        if url:
            databases.append(("postgresql", url))
        elif args.only == "postgresql":
            sys.exit("Set BENCH_DATABASE_URL to benchmark PostgreSQL.")
        else:
            print("BENCH_DATABASE_URL is not set: skipping PostgreSQL.")
    for name, url in databases:
        print(f"Results: {write_results(run_database(name, url, args))}")


if __name__ == "__main__":
    main()
