"""`traction serve` (issue point 6): a live preview that shows errors and recovers.

The real command runs in a subprocess on a free port over a copy of a small
content tree; the test edits the content and polls the pages with a deadline.
The WSGI app (`Preview`) is also called directly for path handling.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from sitetools import free_port, small_content

from generator.tools.serve import Preview

DEADLINE = 10.0  # seconds for a change to show
ERROR_AT = re.compile(r"weeks/2026-W12\.yaml:(\d+):(\d+)")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    content: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) of a GET; HTTP errors are answers too."""
        try:
            with urllib.request.urlopen(self.base + path.lstrip("/"), timeout=5) as response:
                return (response.status, response.headers.get("Content-Type", ""),
                        response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return (error.code, error.headers.get("Content-Type", ""),
                    error.read().decode("utf-8", "replace"))

    def stderr(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def alive(self) -> bool:
        return self.process.poll() is None


def wait_for(condition: Callable[[], Any], what: str, deadline: float = DEADLINE,
             server: Server | None = None) -> Any:
    end = time.monotonic() + deadline
    last: Any = None
    while time.monotonic() < end:
        try:
            last = condition()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        if server is not None and not server.alive():
            pytest.fail(f"the server died while waiting for {what}:\n{server.stderr()}")
        time.sleep(0.1)
    log = server.stderr() if server is not None else ""
    pytest.fail(f"{what}: not within {deadline} s (last: {last!r})\n{log}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    content = small_content(tmp_path / "content")
    port = free_port()
    log = tmp_path / "serve.log"
    scratch = tmp_path / "tmp"  # the preview's private build folder goes here
    scratch.mkdir()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(scratch),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port),
             "--content", str(content)],
            stdout=sink, stderr=subprocess.STDOUT, cwd=tmp_path, env=env)
    running = Server(process, port, log, content)
    try:
        wait_for(lambda: running.get("/")[0] == 200, "the first page", 20.0, running)
        assert [p.name[:15] for p in scratch.iterdir()] == ["traction-serve-"]
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert list(scratch.iterdir()) == [], "stopped by SIGTERM, the preview cleans up"


HTML_PAGES = ["/", "/weeks/", "/weeks/2026-W10/", "/milestones/close-rate/",
              "/case-studies/initech/", "/about/", "/no-such-page/"]


def test_serve_shows_errors_in_every_page_and_recovers(server: Server) -> None:
    status, kind, body = server.get("/")
    assert status == 200 and kind.startswith("text/html")
    assert "Acme Analytics" in body
    assert server.get("/progress.json")[1].startswith("application/json")
    good_feed = server.get("/feed.xml")
    assert good_feed[0] == 200

    week = server.content / "weeks" / "2026-W12.yaml"
    good = week.read_text("utf-8")
    week.write_text(good + "mood: great\n", "utf-8")
    line = good.count("\n") + 1

    body = wait_for(lambda: ERROR_AT.search(server.get("/")[2]) and server.get("/")[2],
                    "the error in the page", server=server)
    assert ERROR_AT.search(body)[1] == str(line)  # type: ignore[index]
    assert "mood" in body
    for path in HTML_PAGES:
        assert ERROR_AT.search(server.get(path)[2]), f"{path} shows the error"
    assert server.alive()
    wait_for(lambda: ERROR_AT.search(server.stderr()), "the error in the terminal",
             server=server)
    # non-HTML files of the last good build are still served
    status, kind, body = server.get("/progress.json")
    assert status == 200 and kind.startswith("application/json") and '"schema"' in body
    assert server.get("/feed.xml")[2] == good_feed[2]

    week.write_text(good, "utf-8")
    wait_for(lambda: server.get("/")[0] == 200, "recovery", server=server)
    for path in HTML_PAGES[:-1]:
        status, _, body = server.get(path)
        assert status == 200 and not ERROR_AT.search(body), path
    assert server.get("/no-such-page/")[0] == 404
    assert server.alive()


def test_serve_rebuilds_on_config_and_theme_changes(server: Server) -> None:
    config = server.content / "traction.yaml"
    config.write_text(config.read_text("utf-8").replace("Acme Analytics", "Zenith Widgets"),
                      "utf-8")
    wait_for(lambda: "Zenith Widgets" in server.get("/")[2], "the new company name",
             server=server)
    theme = server.content / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text(
        "{% extends 'base.html' %}{% block content %}<p>THEMED {{ page.title }}</p>"
        "{% endblock %}\n", "utf-8")
    config.write_text(config.read_text("utf-8") + "theme_dir: theme\n", "utf-8")
    wait_for(lambda: "THEMED About us" in server.get("/about/")[2], "the user theme",
             server=server)
    (theme / "page.html").write_text(
        "{% extends 'base.html' %}{% block content %}<p>RETHEMED</p>{% endblock %}\n", "utf-8")
    wait_for(lambda: "RETHEMED" in server.get("/about/")[2], "the edited template",
             server=server)


def test_serve_watches_a_theme_dir_outside_the_content(server: Server) -> None:
    theme = server.content.parent / "mytheme" / "templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text(
        "{% extends 'base.html' %}{% block content %}<p>OUTSIDE {{ page.title }}</p>"
        "{% endblock %}\n", "utf-8")
    config = server.content / "traction.yaml"
    config.write_text(config.read_text("utf-8") + "theme_dir: ../mytheme\n", "utf-8")
    wait_for(lambda: "OUTSIDE About us" in server.get("/about/")[2], "the outside theme",
             server=server)
    (theme / "page.html").write_text(
        "{% extends 'base.html' %}{% block content %}<p>EDITED OUTSIDE</p>{% endblock %}\n",
        "utf-8")
    wait_for(lambda: "EDITED OUTSIDE" in server.get("/about/")[2],
             "the edited outside template", server=server)
    (server.content.parent / "mytheme" / "static").mkdir()
    (server.content.parent / "mytheme" / "static" / "extra.css").write_text("p{}\n", "utf-8")
    wait_for(lambda: server.get("/assets/extra.css")[0] == 200, "a new outside static file",
             server=server)


def test_serve_reports_a_port_in_use_in_one_line(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(scratch),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--port", str(port),
             "--content", str(content)],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"✗ port {port} on 127.0.0.1 is in use; pick another with --port")
    assert list(scratch.iterdir()) == [], "no preview folder is left behind"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (Linux /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table, encoding="ascii") as handle:
            next(handle)
            for row in handle:
                fields = row.split()
                address, hex_port = fields[1].rsplit(":", 1)
                if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                    found.add(address)
    return found


def test_serve_binds_only_the_loopback_address(server: Server) -> None:
    if os.path.exists("/proc/net/tcp"):
        assert _listening_addresses(server.port) == {"0100007F"}, "127.0.0.1 only"
    # Linux routes all of 127/8 to lo: a server bound to 0.0.0.0 would answer on 127.0.0.2
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(2)
        sock.connect(("127.0.0.2", server.port))


# --- the WSGI app, called directly --------------------------------------------------------------


def call(app: Preview, path: str) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(),
               "HTTP_HOST": f"127.0.0.1:{app.port}"}
    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    messages: list[str] = []
    app = Preview(small_content(tmp_path / "content"), 8123, messages.append)
    try:
        app.rebuild()
        assert any("rebuilt" in m for m in messages), messages
        yield app
    finally:
        app.close()
    assert not app.workdir.exists()


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/../../../../../../etc/passwd", "/weeks/../../../etc/passwd",
    "/..", "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
])
def test_preview_refuses_paths_outside_the_site(preview: Preview, path: str) -> None:
    status, _, body = call(preview, path)
    assert status.startswith("404"), (path, status)
    assert b"root:" not in body


def test_preview_does_not_follow_symlinks_out_of_the_site(preview: Preview,
                                                          tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", "utf-8")
    (preview.site / "leak.txt").symlink_to(secret)
    status, _, body = call(preview, "/leak.txt")
    assert status.startswith("404") and b"top secret" not in body
    (preview.site.parent / "beside.txt").write_text("top secret", "utf-8")
    status, _, body = call(preview, "/../beside.txt")
    assert status.startswith("404") and b"top secret" not in body


def test_preview_serves_the_site(preview: Preview) -> None:
    status, headers, body = call(preview, "/")
    assert status == "200 OK"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Acme Analytics" in body
    assert b'href="http://127.0.0.1:8123/"' in body or b'href="/"' in body
    assert int(headers["Content-Length"]) == len(body)
    status, headers, _ = call(preview, "/weeks/2026-W10/")
    assert status == "200 OK"
    status, headers, _ = call(preview, "/progress.json")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    status, headers, body = call(preview, "/nothing/here")
    assert status.startswith("404") and b"Page not found" in body


def test_preview_shows_errors_and_keeps_the_last_good_files(preview: Preview) -> None:
    week = preview.content / "weeks" / "2026-W11.yaml"
    week.write_text(week.read_text("utf-8").replace("week: 2026-W11", "week: 2026-W11\nweek: x"),
                    "utf-8")
    preview.rebuild()
    assert preview.failed
    status, headers, body = call(preview, "/weeks/2026-W10/")
    assert headers["Content-Type"].startswith("text/html")
    assert re.search(rb"weeks/2026-W11\.yaml:\d+:\d+", body), body[:500]
    assert status.startswith("500")
    status, _, body = call(preview, "/progress.json")
    assert status == "200 OK" and b'"schema"' in body
    status, _, body = call(preview, "/nothing/here")
    assert re.search(rb"weeks/2026-W11\.yaml:\d+:\d+", body)


def test_preview_error_page_escapes_the_messages(preview: Preview) -> None:
    week = preview.content / "weeks" / "2026-W11.yaml"
    week.write_text(week.read_text("utf-8") + "<script>x: 1\n", "utf-8")
    preview.rebuild()
    assert preview.failed
    _, _, body = call(preview, "/")
    assert b"<script>x" not in body


def test_preview_shows_what_crashed_the_build(preview: Preview,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    messages: list[str] = []
    monkeypatch.setattr(preview, "report", messages.append)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom <b>")

    monkeypatch.setattr("generator.tools.serve.render", crash)
    preview.rebuild()
    assert preview.failed
    status, _, body = call(preview, "/")
    assert status.startswith("500")
    assert b"<ol class=problems></ol>" not in body, "not an empty list of problems"
    assert b"The build crashed" in body
    assert b"RuntimeError: boom &lt;b&gt;" in body and b"<b>" not in body
    assert b"in crash" in body, "the traceback says where"
    assert any("RuntimeError" in m and "build crashed" in m for m in messages), messages
    monkeypatch.undo()
    preview.rebuild()
    assert not preview.failed
    assert call(preview, "/")[0] == "200 OK"


# --- the preview trusts only this machine --------------------------------------------------


def raw_get(server: Server, path: str, headers: dict[str, str]) -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/", "/about/", "/livereload.js", "/forcereload?path=x"])
def test_a_foreign_host_is_refused(server: Server, path: str) -> None:
    # DNS rebinding: a page of evil.example resolves its name to 127.0.0.1 and reads the
    # preview; its requests carry its own Host.
    for host in ["evil.example", f"evil.example:{server.port}", "127.0.0.1.evil.example"]:
        assert raw_get(server, path, {"Host": host})[0] == 403, host
    for host in [f"127.0.0.1:{server.port}", f"localhost:{server.port}"]:
        assert raw_get(server, path, {"Host": host})[0] == 200, host


def test_a_foreign_origin_is_refused(server: Server) -> None:
    host = {"Host": f"127.0.0.1:{server.port}"}
    assert raw_get(server, "/forcereload?path=x", {**host, "Origin": "https://evil.example"}
                   )[0] == 403
    assert raw_get(server, "/forcereload?path=x",
                   {**host, "Origin": f"http://localhost:{server.port}"})[0] == 200


@pytest.mark.parametrize("path", ["/a%00b", "/" + "x" * 5000])
def test_a_server_error_shows_no_traceback(server: Server, path: str) -> None:
    status, body = raw_get(server, path, {"Host": f"127.0.0.1:{server.port}"})
    assert status in (400, 404, 414, 500)
    assert "Traceback" not in body and str(ROOT) not in body and ".py" not in body


def test_the_livereload_websocket_refuses_a_foreign_origin(server: Server) -> None:
    import base64
    import socket

    def handshake(origin: str) -> str:
        key = base64.b64encode(b"0123456789abcdef").decode()
        request = (f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: {origin}\r\n\r\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(request.encode())
            return sock.recv(1024).decode("latin-1").split("\r\n")[0]

    assert " 403 " in handshake("https://evil.example")
    assert " 101 " in handshake(f"http://127.0.0.1:{server.port}")


def _process_group(group: int) -> list[int]:
    """Every live process in a process group (Linux /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        state, _, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_preview_killed_from_outside_leaves_no_process_behind(tmp_path: Path) -> None:
    """Issue 10 §5: builds run inside the server process, never in a child, so a `kill -9`
    of the preview, even in the middle of a rebuild, leaves nothing running. The server
    starts its own process group; after the kill the group is empty."""
    content = small_content(tmp_path / "content")
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port),
             "--content", str(content)],
            stdout=sink, stderr=subprocess.STDOUT, cwd=tmp_path, env=env,
            start_new_session=True)
    running = Server(process, port, log, content)
    try:
        wait_for(lambda: running.get("/")[0] == 200, "the first page", 20.0, running)
        assert _process_group(process.pid) == [process.pid]  # no helper, no worker
        week = content / "weeks" / "2026-W12.yaml"
        for n in range(5):  # rebuilds under way when the kill comes
            week.write_text(week.read_text("utf-8") + f"# edit {n}\n", "utf-8")
            time.sleep(0.05)
        assert _process_group(process.pid) == [process.pid]
        os.kill(process.pid, 9)
        process.wait(timeout=10)
        wait_for(lambda: _process_group(process.pid) == [], "an empty process group", 5.0)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_orphan_check_sees_an_orphan() -> None:
    """The check above can fail: a parent killed with its child still running leaves the
    child in the group."""
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & wait"], start_new_session=True)
    try:
        wait_for(lambda: len(_process_group(parent.pid)) == 2, "the child", 5.0)
        os.kill(parent.pid, 9)
        parent.wait(timeout=10)
        assert len(_process_group(parent.pid)) == 1  # the orphaned sleep
    finally:
        os.killpg(parent.pid, 9)
