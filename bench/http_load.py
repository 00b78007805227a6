"""A small keep-alive HTTP client for the benchmark: sign in, then time GETs.

Standard library only, so the benchmark measures the app and not a client library.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}
        self.connection = http.client.HTTPConnection(host, port, timeout=60)

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def request(
        self, method: str, path: str, body: str | None = None, extra: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {**self.headers, **self._cookie_header(), **(extra or {})}
        for attempt in range(3):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                break
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed: reconnect and try again.
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, email: str, password: str) -> None:
        status, body = self.request("GET", "/sign-in")
        match = CSRF_RE.search(body.decode())
        if status != 200 or not match:
            raise RuntimeError(f"sign-in page answered {status}")
        form = urlencode({"email": email, "password": password, "csrf_token": match.group(1)})
        status, _ = self.request(
            "POST", "/sign-in", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"could not sign in as {email}: {status}")

    def clone(self) -> Client:
        other = Client(self.host, self.port, dict(self.headers))
        other.cookies = dict(self.cookies)
        return other


@dataclass
class Latency:
    p50: float
    p95: float
    p99: float
    mean: float
    samples: int
    errors: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure_latency(client: Client, path: str, count: int, warmup: int = 5) -> Latency:
    for _ in range(warmup):
        client.request("GET", path)
    times, errors = [], 0
    for _ in range(count):
        started = time.perf_counter()
        status, _ = client.request("GET", path)
        times.append((time.perf_counter() - started) * 1000)
        if status >= 400:
            errors += 1
    return Latency(
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        mean=statistics.fmean(times),
        samples=count,
        errors=errors,
    )


def measure_throughput(
    client: Client, path: str, clients: int, seconds: float
) -> tuple[float, int]:
    """Requests per second with `clients` concurrent keep-alive connections."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        own = client.clone()
        while time.perf_counter() < stop:
            status, _ = own.request("GET", path)
            done[index] += 1
            if status >= 400:
                errors[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(done) / elapsed, sum(errors)
