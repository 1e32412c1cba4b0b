"""A TCP proxy between a portal process and PostgreSQL that fakes a database restart.

The machine's PostgreSQL is shared, so tests never restart it. Seen from the portal, a restart is this: every open
connection drops at once, new connections are refused while the server is down, then it accepts again with no
memory of the old sessions. The proxy does exactly that at its own port, at any moment, including the moment a
given statement is sent (`inject_at`), for that fault or another (killing the backend, say).
"""

import asyncio
import threading
from collections.abc import Callable


class DatabaseProxy:
    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.port = 0
        self.injected = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="database-proxy", daemon=True)
        self._server = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._trip: tuple[bytes, bytes, Callable[[], object]] | None = None

    def start(self) -> None:
        self._thread.start()
        self._call(self._listen())

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._shut())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def go_down(self) -> None:
        """Drop every open connection and refuse new ones, as a stopped server does, until `come_back()`."""
        self._call(self._go_down())

    def come_back(self) -> None:
        self._call(self._listen())

    def restart(self) -> None:
        """A quick restart: every connection dropped, then connections accepted again."""
        self.go_down()
        self.come_back()

    def inject_at(self, first: bytes, then: bytes, fault: Callable[[], object]) -> None:
        """Run `fault` the moment a client that has sent `first` sends `then`, before `then` reaches the database.

        `inject_at(b'INSERT INTO "needs_need"', b"COMMIT", proxy.go_down)` is a restart while the portal commits a
        new need. `fault` runs in a worker thread and `injected` is set after it; `then` goes on to the database
        if the connection is still there.
        """
        self.injected.clear()
        self._trip = (first, then, fault)

    def disarm(self) -> None:
        self._trip = None

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

    async def _go_down(self) -> None:
        if self._server is not None:
            self._server.close()  # refuse new connections, as a stopped server's port does
            self._server = None
        for writers in list(self._links):
            for writer in writers:
                writer.transport.abort()  # drop at once, without a goodbye
        self._links.clear()

    async def _shut(self) -> None:
        await self._go_down()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        await asyncio.gather(*others, return_exceptions=True)

    async def _link(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        link = (client_writer, server_writer)
        self._links.add(link)
        pumps = [
            asyncio.ensure_future(self._pump(client_reader, server_writer, watch=True)),
            asyncio.ensure_future(self._pump(server_reader, client_writer)),
        ]
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for pump in pumps:
            pump.cancel()
        await asyncio.gather(*pumps, return_exceptions=True)
        for writer in link:
            writer.transport.abort()  # one side closed: close the other, as PostgreSQL and libpq would see it
        self._links.discard(link)

    async def _pump(self, reader, writer, watch: bool = False) -> None:
        seen_first = False
        try:
            while data := await reader.read(65536):
                if watch and self._trip:
                    first, then, fault = self._trip
                    seen_first = seen_first or first in data
                    if seen_first and then in data:
                        self._trip = None
                        await self._loop.run_in_executor(None, self._inject, fault)
                if writer.transport.is_closing():
                    return
                writer.write(data)
                await writer.drain()
        except OSError:
            pass  # the peer reset the connection: the link closes

    def _inject(self, fault) -> None:
        fault()
        self.injected.set()
