"""A light load client: phones as raw HTTP/1.1 connections on asyncio, spread over processes.

httpx costs about a millisecond of client CPU per request and scans its connection pool
for each one: at 3,000 phones joining at 300 a second it filled its own core before the
server filled a third of its own, so the benchmark measured the client. Here a phone is
two plain connections kept open as a browser keeps them (one for its requests, one for
its live feed), requests are written by hand and answers read by Content-Length or
chunks, and a phone's feed is read and thrown away (only the trainer's feed is parsed,
by the parent). Phones are dealt round-robin to ``procs`` worker processes, each keeping
its share of the schedule, so the room joins at the asked rate whatever one process
could do.

Times are ``time.monotonic()``: one clock for every process of the machine, so a vote
sent by a worker is timed to its arrival on the parent's trainer feed.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from urllib.parse import urlsplit


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server has closed it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.head: dict = {}  # the last answer's headers

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None

    async def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes]:
        if self.writer is None or self.reader.at_eof():
            self.close()
            await self.open()
        data = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        status, head = await read_head(self.reader)
        self.head = head
        if head.get("transfer-encoding") == "chunked":
            chunks = []
            while chunk := await read_chunk(self.reader):
                chunks.append(chunk)
            payload = b"".join(chunks)
        else:
            payload = await self.reader.readexactly(int(head.get("content-length", 0)))
        if head.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    async def stream(self, path: str, headers: dict | None = None) -> dict:
        """Send a GET whose answer is a stream; returns its headers, the body is read by the caller."""
        await self.open()
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        status, head = await read_head(self.reader)
        if status != 200:
            raise ConnectionError(f"feed answered {status}")
        return head


async def read_head(reader: asyncio.StreamReader) -> tuple[int, dict]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed by the server")
    status = int(status_line.split()[1])
    head = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        head[name.strip().lower()] = value.strip()
    return status, head


async def read_chunk(reader: asyncio.StreamReader) -> bytes:
    size = int((await reader.readline()).split(b";")[0], 16)
    chunk = await reader.readexactly(size + 2)
    return chunk[:-2]


async def read_events(conn: Connection, on_event) -> None:
    """Parse a chunked server-sent events stream: ``on_event(id, event, data)`` for each event."""
    buffer = b""
    fields: dict[str, str] = {}
    while chunk := await read_chunk(conn.reader):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.decode()
            if line == "":
                if "data" in fields:
                    on_event(int(fields.get("id", 0)), fields.get("event", "message"), fields["data"])
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value


async def drain(conn: Connection) -> None:
    """A phone's feed, read and thrown away until the server or the benchmark closes it."""
    try:
        while await conn.reader.read(65536):
            pass
    except (ConnectionError, asyncio.CancelledError):
        pass


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


# --- the worker processes ---------------------------------------------------------------


async def _phones(pipe, job: dict) -> None:
    """One worker's share of the room: join on schedule, open feeds, then vote on schedule."""
    url = urlsplit(job["url"])
    api = url.path.rstrip("/") + "/elan/api/"
    code, rate = job["code"], job["rate"]
    mine: list[int] = job["indices"]
    conns = {i: Connection(url.hostname, url.port) for i in mine}
    feeds: list[asyncio.Task] = []
    feed_conns: list[Connection] = []
    tokens: dict[int, str] = {}
    joins, lags, errors = [], [], []
    processes: dict[str, int] = {}

    async def join(i: int, due: float) -> None:
        lags.append(time.monotonic() - due)
        t0 = time.monotonic()
        try:
            status, body = await conns[i].request("POST", api + "join", {"code": code})
            if status != 200:
                raise ConnectionError(f"join answered {status}")
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            errors.append(str(error))
            return
        joins.append(time.monotonic() - t0)
        process = conns[i].head.get("x-elan-process", "?")  # behind nginx: which process answered
        processes[process] = processes.get(process, 0) + 1
        tokens[i] = json.loads(body)["token"]
        if i < job["feeds"]:
            feed = Connection(url.hostname, url.port)
            try:
                await feed.stream(f"{api}s/{code}/feed", {"X-Elan-Token": tokens[i]})
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                errors.append(f"feed: {error}")
                return
            feed_conns.append(feed)
            feeds.append(asyncio.ensure_future(drain(feed)))

    cpu0 = cpu_seconds()
    tasks = []
    for i in mine:
        due = job["start"] + i / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        tasks.append(asyncio.ensure_future(join(i, due)))
    await asyncio.gather(*tasks)
    pipe.send({"joins": joins, "lags": lags, "errors": errors, "processes": processes, "cpu": cpu_seconds() - cpu0})

    async def vote(i: int, order: dict, votes: list, sent: dict, vote_errors: list) -> None:
        t0 = time.monotonic()
        payload = {"activity": order["activity"], "payload": {"item": order["items"][i % len(order["items"])]}}
        payload["payload"].update(order.get("extra", {}))
        try:
            status, body = await conns[i].request("POST", f"{api}s/{code}/submit", payload, {"X-Elan-Token": tokens[i]})
            if status != 200:
                raise ConnectionError(f"vote answered {status}: {body[:200]!r}")
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            vote_errors.append(str(error))
            return
        votes.append(time.monotonic() - t0)
        sent[json.loads(body)["seq"]] = t0

    # Rounds of votes, one per order, until the parent says stop (it has read the trainer feed).
    order = await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
    while "stop" not in order:
        votes, sent, vote_errors = [], {}, []
        cpu0 = cpu_seconds()
        tasks = []
        for i in mine:
            if i not in tokens:
                continue
            await asyncio.sleep(max(0.0, order["start"] + i / rate - time.monotonic()))
            tasks.append(asyncio.ensure_future(vote(i, order, votes, sent, vote_errors)))
        await asyncio.gather(*tasks)
        pipe.send({"votes": votes, "sent": sent, "errors": vote_errors, "cpu": cpu_seconds() - cpu0})
        order = await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
    for task in feeds:
        task.cancel()
    for conn in [*conns.values(), *feed_conns]:
        conn.close()
    await asyncio.gather(*feeds, return_exceptions=True)
    pipe.send({"done": True})


def _worker(pipe, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    job = pipe.recv()
    asyncio.run(_phones(pipe, job))


class Room:
    """``procs`` worker processes playing ``n`` phones between them, driven by the parent."""

    def __init__(self, procs: int, cpus: set[int] | None = None):
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for _ in range(procs):
            parent, child = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(child, cpus), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    async def _gather(self) -> list[dict]:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in self.pipes))

    async def join(self, url: str, code: str, n: int, rate: float, feeds: int, start: float) -> dict:
        for k, pipe in enumerate(self.pipes):
            indices = list(range(k, n, len(self.pipes)))
            pipe.send({"url": url, "code": code, "indices": indices, "rate": rate, "feeds": feeds, "start": start})
        parts = await self._gather()
        return {
            "joins": [x for p in parts for x in p["joins"]],
            "lags": [x for p in parts for x in p["lags"]],
            "errors": [x for p in parts for x in p["errors"]],
            "processes": {k: sum(p["processes"].get(k, 0) for p in parts) for p0 in parts for k in p0["processes"]},
            "cpu": sum(p["cpu"] for p in parts),
        }

    async def vote(self, activity: str, items: list, extra: dict, start: float) -> dict:
        for pipe in self.pipes:
            pipe.send({"activity": activity, "items": items, "extra": extra, "start": start})
        parts = await self._gather()
        return {
            "votes": [x for p in parts for x in p["votes"]],
            "sent": {seq: t for p in parts for seq, t in p["sent"].items()},
            "errors": [x for p in parts for x in p["errors"]],
            "cpu": sum(p["cpu"] for p in parts),
        }

    async def close(self) -> None:
        for pipe in self.pipes:
            pipe.send({"stop": True})
        await self._gather()
        for process in self.processes:
            process.join(10)
