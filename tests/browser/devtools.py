"""Headless Chromium driven over the DevTools protocol, with no network but the test's own.

``--dump-dom`` (see :mod:`.chromium`) can only print a page. The offline tests need more:
the position of every formula and badge after MathJax ran, and a record of every request
the page made. Chromium speaks the DevTools protocol over two pipes
(``--remote-debugging-pipe``: it reads commands on fd 3 and writes replies on fd 4, each
message JSON ended by a NUL), so no websocket library is needed.

Every request the page makes is paused (``Fetch.enable``) and answered here: from the
loopback server, from a folder standing in for a CDN, or refused and written down in
:attr:`Page.refused`. Chromium's own traffic (update checks, sign-in) is not the page's:
it goes to a closed proxy and to a host resolver that knows no names, so it reaches
nothing either, and is not counted against the page.

One Chromium serves every page of a test process (:func:`shared`): starting one costs
seconds, and on a loaded machine many. Each page gets a browser context of its own (a
fresh profile in memory: no cache, no cookies, no storage from an earlier page), so no
request of a page is answered from what another page loaded, unseen by the checks here.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import mimetypes
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .chromium import chromium

#: How long one page may take to load and typeset (a loaded machine is slow, not stuck).
DEADLINE = 240.0


class DevToolsError(Exception):
    """Chromium answered a command with an error, died, or did not answer in time."""


@dataclass
class Page:
    """One tab: what it may reach, what it asked for, and a way to run JavaScript in it.

    ``local`` is the loopback server's base URL; requests to it are let through, except
    those whose path starts with one of ``broken`` (answered 404, as a wrong path would
    be). ``stand_ins`` maps a URL prefix (of a CDN, say) to a folder that answers for it.
    """

    browser: Browser
    session: str
    local: str
    broken: tuple[str, ...] = ()
    stand_ins: dict[str, Path] = field(default_factory=dict)
    #: URLs the page asked for that were refused (anything not served by the test).
    refused: list[str] = field(default_factory=list)
    #: URLs answered from the loopback server or a stand-in folder.
    served: list[str] = field(default_factory=list)
    #: URLs of a stand-in that its folder does not have (answered 404).
    missing: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        """The value of ``expression`` (a promise is awaited), as JSON."""
        reply = self.command("Runtime.evaluate", expression=expression, awaitPromise=True,
                             returnByValue=True)
        if "exceptionDetails" in reply:
            raise DevToolsError(json.dumps(reply["exceptionDetails"])[:2000])
        return reply["result"].get("value")


    def command(self, method: str, **params: Any) -> Any:
        """One command to this tab (see :meth:`Browser.command`)."""
        return self.browser.command(method, self.session, **params)

    def screenshot(self, path: Path, *, whole: bool = True) -> None:
        """A PNG of the whole page, or (``whole=False``) of what the window shows."""
        reply = self.command("Page.captureScreenshot", format="png",
                             captureBeyondViewport=whole)
        path.write_bytes(base64.b64decode(reply["data"]))


class Browser:
    """A headless Chromium whose pages can each reach only what :meth:`open` allows."""

    def __init__(self, profile: Path) -> None:
        #: Chromium's user data folder (its log is written there too).
        self.profile = profile
        self._pages: dict[str, Page] = {}
        self._next = 0
        self._buffer = b""
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        commands_read, replies_write = _above_4(commands_read), _above_4(replies_write)
        profile.mkdir(parents=True, exist_ok=True)
        self._log = profile / "chromium.log"
        # bash puts the pipes where Chromium expects them (fds 3 and 4); dash, the usual
        # /bin/sh, cannot name a descriptor above 9.
        self._process = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$0" "$@" 3<&{commands_read} 4>&{replies_write}',
             chromium(), "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage",
             # Chromium's own traffic: a proxy nobody listens on, and no names resolved.
             "--proxy-server=http://127.0.0.1:9",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(commands_read, replies_write), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._log.open("wb"))
        os.close(commands_read)
        os.close(replies_write)

    def close(self) -> None:
        with contextlib.suppress(OSError, DevToolsError):
            self.command("Browser.close")
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)

    def exited(self) -> bool:
        """Has Chromium ended (or been closed)?"""
        return self._process.poll() is not None

    @contextlib.contextmanager
    def open(self, url: str, local: str, *, width: int = 1000, height: int = 1500,
             broken: tuple[str, ...] = (),
             stand_ins: dict[str, Path] | None = None) -> Iterator[Page]:
        """A new tab, in a browser context of its own, showing ``url`` at the given size
        after its load event; it may reach ``local`` and ``stand_ins`` (see :class:`Page`).
        The tab and its context are thrown away on the way out."""
        context = self.command("Target.createBrowserContext")["browserContextId"]
        page = Page(self, "", local, broken, stand_ins or {})
        try:
            yield self._open(url, page, context, width, height)
        finally:
            self.command("Target.disposeBrowserContext", browserContextId=context)
            # what the page's workers still send now is no page's any more
            self._pages = {key: value for key, value in self._pages.items() if value is not page}

    def _open(self, url: str, page: Page, context: str, width: int, height: int) -> Page:
        target = self.command("Target.createTarget", url="about:blank",
                              browserContextId=context)["targetId"]
        page.session = self.command("Target.attachToTarget", targetId=target,
                                    flatten=True)["sessionId"]
        session = page.session
        self._pages[session] = page
        self.command("Fetch.enable", session, patterns=[{"urlPattern": "*"}])
        self.command("Target.setAutoAttach", session, autoAttach=True,
                     waitForDebuggerOnStart=True, flatten=True)
        self.command("Emulation.setDeviceMetricsOverride", session, width=width,
                     height=height, deviceScaleFactor=1, mobile=False)
        self.command("Page.enable", session)
        self.command("Page.navigate", session, url=url)
        self._wait(lambda message: message.get("method") == "Page.loadEventFired"
                   and message.get("sessionId") == session)
        return page

    def command(self, method: str, session: str | None = None, **params: Any) -> Any:
        """Send one command and return its result, answering the pages' requests while
        waiting (a page that loads a script while we wait would otherwise stall)."""
        self._next += 1
        number = self._next
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._write(message)
        reply = self._wait(lambda answer: answer.get("id") == number)
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _wait(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + DEADLINE
        while True:
            message = self._read(deadline)
            if message.get("method") == "Fetch.requestPaused":
                self._answer(message)
            elif message.get("method") == "Target.attachedToTarget" and "sessionId" in message:
                self._attached(message)
            elif wanted(message):
                return message

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise DevToolsError(f"no answer from Chromium in {DEADLINE:.0f} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise DevToolsError("Chromium closed its pipe (it died): "
                                    + self._log.read_text(errors="replace")[-3000:])
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _answer(self, event: dict[str, Any]) -> None:
        """Let a request through, answer it from a stand-in folder, or refuse it.

        Sent without waiting for the reply: the replies carry no result, and waiting
        inside the wait of another command would nest without end on a busy page.
        """
        session = event["sessionId"]
        page = self._pages.get(session)
        if page is None:  # a request of a page being thrown away: it is let die
            return
        request = event["params"]["requestId"]
        url = event["params"]["request"]["url"]
        if url.startswith(("data:", "blob:", "about:")):
            self._send("Fetch.continueRequest", session, requestId=request)
            return
        if url.startswith(page.local + "/"):
            page.served.append(url)
            if urlsplit(url).path.startswith(page.broken):
                self._send("Fetch.fulfillRequest", session, requestId=request,
                           responseCode=404, body="")
            else:
                self._send("Fetch.continueRequest", session, requestId=request)
            return
        for prefix, folder in page.stand_ins.items():
            if url.startswith(prefix):
                page.served.append(url)
                self._fulfil(page, session, request, folder, url[len(prefix):])
                return
        page.refused.append(url)
        self._send("Fetch.failRequest", session, requestId=request,
                   errorReason="InternetDisconnected")

    def _attached(self, event: dict[str, Any]) -> None:
        """A worker of a page (MathJax 4 starts one for speech): its requests are the
        page's, paused and answered in the same way. It waits until told to run."""
        parent = self._pages.get(event["sessionId"])
        if parent is None:
            return
        session = event["params"]["sessionId"]
        self._pages[session] = parent
        self._send("Fetch.enable", session, patterns=[{"urlPattern": "*"}])
        self._send("Target.setAutoAttach", session, autoAttach=True,
                   waitForDebuggerOnStart=True, flatten=True)
        self._send("Runtime.runIfWaitingForDebugger", session)

    def _fulfil(self, page: Page, session: str, request: str, folder: Path,
                rest: str) -> None:
        path = (folder / unquote(urlsplit(rest).path).lstrip("/")).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            page.missing.append(rest)
            self._send("Fetch.fulfillRequest", session, requestId=request,
                       responseCode=404, body="")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = [{"name": "Content-Type", "value": kind},
                   {"name": "Access-Control-Allow-Origin", "value": "*"}]
        self._send("Fetch.fulfillRequest", session, requestId=request,
                   responseCode=200, responseHeaders=headers,
                   body=base64.b64encode(path.read_bytes()).decode())

    def _send(self, method: str, session: str, **params: Any) -> None:
        self._next += 1
        self._write({"id": self._next, "method": method, "params": params,
                     "sessionId": session})

    def _write(self, message: dict[str, Any]) -> None:
        data = memoryview(json.dumps(message).encode() + b"\0")
        while data:  # a large answer (a MathJax file) may take several writes
            data = data[os.write(self._commands, data):]


def _above_4(fd: int) -> int:
    """``fd`` moved to a number above 4: the shell's ``3<&N 4>&M`` would otherwise
    overwrite one pipe with the other when N or M is 3 or 4 already."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved


_shared: Browser | None = None


def shared() -> Browser:
    """This process's one :class:`Browser`, started on first use (its profile in a folder
    of its own); :func:`close_shared` ends it."""
    global _shared
    if _shared is None or _shared.exited():
        _shared = Browser(Path(tempfile.mkdtemp(prefix="vcr-chromium-")))
    return _shared


@contextlib.contextmanager
def page(url: str, local: str, **options: Any) -> Iterator[Page]:
    """``url`` opened in the shared browser (see :meth:`Browser.open` for ``options``).
    A browser that failed is closed, so that the next page gets a new one, not a stuck one."""
    try:
        with shared().open(url, local, **options) as tab:
            yield tab
    except DevToolsError:
        close_shared()
        raise


def close_shared() -> None:
    """Close the shared browser, if one was started, and remove its profile."""
    global _shared
    if _shared is not None:
        _shared.close()
        shutil.rmtree(_shared.profile, ignore_errors=True)
        _shared = None
