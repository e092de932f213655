"""The HTTP service under load, against in-process check() on the same documents: rates and ratios.

    python bench/service.py                       # 1,000 requests, 32 clients, 1 worker
    python bench/service.py --workers 2 --requests 2000

Starts ``icprules serve`` on 127.0.0.1, warms it, then sends every document (JSON, without
attachments) from 32 concurrent clients, each on its own keep-alive connection. Prints requests
per second, p50/p99/max latency and the error count beside in-process ``check()`` of the same JSON
texts (with an empty attachments mapping, as the service does), per worker. The load is bounded in
count (--requests) and in time (--seconds); any error makes the script exit 1.

Targets (issue 13): p99 under 50 ms for one document without attachments; throughput per worker
at least 70 % of in-process check().
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import TODAY, clear_memos, machine, make_documents, strip_attachments

import icprules


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "icprules", "serve", "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the service did not start in 60 s")


def load(port: int, bodies: list[bytes], clients: int, seconds: float) -> tuple[list[float], int, float]:
    """Send every body once over ``clients`` keep-alive connections; the latencies, the errors, the wall time.

    One thread drives every connection with non-blocking sockets and requests written out in
    advance: the load generator shares the machine's cores with the service, and 32 threads of
    http.client cost the service about a tenth of a core (0.2 ms of CPU a request, measured).
    """
    target = f"/v1/check?today={TODAY.isoformat()}"
    requests = [(f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body for body in bodies]
    latencies: list[float] = []
    answered_badly = 0
    pending = iter(range(len(requests)))
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()

    class Connection:
        def __init__(self) -> None:
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.setblocking(False)
            self.out, self.inp, self.started, self.need, self.ok = b"", bytearray(), 0.0, -1, False
            self.events = selectors.EVENT_READ

        def send_next(self) -> bool:
            index = next(pending, None)
            if index is None or time.monotonic() > deadline:
                selector.unregister(self.sock)
                self.sock.close()
                return False
            self.out, self.inp, self.need, self.started = requests[index], bytearray(), -1, time.perf_counter()
            # Written at once where the socket takes it whole (a document fits its buffer): no wait for
            # a write event, and two fewer epoll_ctl calls a request on the cores the service shares.
            with contextlib.suppress(BlockingIOError):
                self.out = self.out[self.sock.send(self.out):]
            self.listen(selectors.EVENT_WRITE if self.out else selectors.EVENT_READ)
            return True

        def listen(self, events: int) -> None:
            if events != self.events:
                selector.modify(self.sock, events, self)
                self.events = events

        def ready(self, mask: int) -> None:
            nonlocal answered_badly
            if mask & selectors.EVENT_WRITE and self.out:
                sent = self.sock.send(self.out)
                self.out = self.out[sent:]
                if not self.out:
                    self.listen(selectors.EVENT_READ)
                return
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the service closed the connection")
            self.inp += chunk
            if self.need < 0 and b"\r\n\r\n" in self.inp:
                head, _, _ = bytes(self.inp).partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                length = [int(v) for k, _, v in (x.partition(b":") for x in lines[1:])
                          if k.strip().lower() == b"content-length"]
                self.need = len(head) + 4 + (length[0] if length else 0)
                self.ok = lines[0].split()[1:2] == [b"200"] and bool(length)
            if 0 <= self.need <= len(self.inp):
                latencies.append(time.perf_counter() - self.started)
                answered_badly += not self.ok
                self.send_next()

    connections = [Connection() for _ in range(clients)]
    began = time.perf_counter()
    for c in connections:
        selector.register(c.sock, selectors.EVENT_READ, c)
        c.send_next()
    while selector.get_map():
        events = selector.select(timeout=30)
        if not events:  # the service stopped answering: what is still in flight is lost
            for key in list(selector.get_map().values()):
                selector.unregister(key.fileobj)
                key.data.sock.close()
            break
        for key, mask in events:
            conn: Connection = key.data
            try:
                conn.ready(mask)
            except (OSError, ConnectionError, ValueError, IndexError):  # that request is lost
                selector.unregister(conn.sock)
                conn.sock.close()
    wall = time.perf_counter() - began
    # A request is an error if it was answered with another status, or never answered (a failed
    # connection, the deadline).
    errors = answered_badly + len(bodies) - len(latencies)
    return latencies, errors, wall


def server_cpu(pid: int) -> float | None:
    """CPU seconds the server and its worker processes have used (Linux's /proc; None elsewhere)."""
    proc = Path("/proc")
    if not (proc / str(pid)).is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid, *(int(p) for p in (proc / str(pid) / "task" / str(pid) / "children").read_text().split())]
    total = 0.0
    for p in pids:
        try:
            fields = (proc / str(p) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime
    return total


def in_process(texts: list[str]) -> float:
    """Checks per second in this process, on one core, values first seen (memos emptied).

    Every part of each report is read, as the service must to answer: check() works the checklist,
    deadlines and masking out only when they are read, and a check that read none of them would not
    be the same work.
    """
    from icprules.report.findings import PARTS

    rules = icprules.default_rules()
    best = float("inf")
    for _ in range(3):
        clear_memos()
        began = time.perf_counter()
        for text in texts:
            report = icprules.check(icprules.DocumentText(text), attachments={}, today=TODAY, rules=rules)
            for name in PARTS:
                getattr(report, name)
        best = min(best, time.perf_counter() - began)
    return len(texts) / best


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=300, help="stop sending after this long")
    args = parser.parse_args()

    docs = [strip_attachments(d) for d in make_documents(args.requests, seed=11)]
    texts = [json.dumps(d, ensure_ascii=False, default=str) for d in docs]
    bodies = [t.encode("utf-8") for t in texts]
    warm = [json.dumps(d, ensure_ascii=False, default=str).encode()
            for d in (strip_attachments(x) for x in make_documents(64, seed=3))]

    print(machine())
    local = in_process(texts)
    port = free_port()
    server = start(port, args.workers)
    try:
        load(port, warm, args.clients, 60)  # workers build their plans and fill their caches
        one_at_a_time, _, _ = load(port, bodies[:200], 1, 60)
        before, client_before = server_cpu(server.pid), time.process_time()
        latencies, errors, wall = load(port, bodies, args.clients, args.seconds)
        after, client = server_cpu(server.pid), time.process_time() - client_before
        cpu = after - before if before is not None and after is not None else None
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = len(latencies) / wall
    per_worker = rate / args.workers
    ms = [x * 1000 for x in latencies]
    print(f"in-process check():     {local:8.0f} documents/s (one core, every part read)")
    print(f"service, 1 client:      p50 {statistics.median(one_at_a_time) * 1000:6.1f} ms   "
          f"p99 {percentile(one_at_a_time, 0.99) * 1000:6.1f} ms")
    print(f"service, {args.clients} clients:     {rate:8.0f} requests/s with {args.workers} worker(s); "
          f"{len(latencies)} requests, {errors} errors")
    print(f"  latency               p50 {statistics.median(ms):6.1f} ms   p99 {percentile(ms, 0.99):6.1f} ms   "
          f"max {max(ms):6.1f} ms   (target: p99 < 50 ms)")
    print(f"  per worker / in-process  {per_worker / local:6.2f}x   (target: >= 0.70x)")
    if cpu:
        # The same ratio by the CPU the workers spent: what a worker on a core of its own would give.
        print(f"  server CPU per request   {cpu / len(latencies) * 1000:6.2f} ms against {1000 / local:.2f} ms "
              f"in-process: {len(latencies) / cpu / local:.2f}x")
    # What the load generator itself spent (this process): the share of the cores it takes from the workers.
    print(f"  load generator CPU        {client / max(1, len(latencies)) * 1000:6.3f} ms a request")
    if args.workers >= (os.cpu_count() or 1):
        print("  note: the clients share the cores with the workers")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
