"""`traction serve`: a live-reloading local preview.

Every change to the content, its theme or the default theme rebuilds the whole
site into a private directory with the same atomic writer as `build`, so the
browser never sees a half-built site. While the content has errors, every page
shows them (file:line:col and hints) and the terminal prints them; the server
keeps running and recovers on the next good save. Builds run in this process, never in a
child, so a preview killed from outside (`kill -9`) leaves no build running
(tests/test_serve.py checks its process group).
"""

from __future__ import annotations

import errno
import html
import mimetypes
import shutil
import signal
import socket
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.output.writer import write_site
from generator.pipeline import render
from generator.problems import Problem, format_text, located
from generator.render.pages import default_theme_dir

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Preview:
    """A WSGI app serving the last good build, or the errors of the last failed one."""

    def __init__(self, content: Path, port: int, report: Callable[[str], None],
                 cache: Path | None = None, base: str = "") -> None:
        self.content = content
        self.base = base  # where problem paths start (problems.located)
        self.cache = cache
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}/"
        self.report = report
        self.workdir = Path(tempfile.mkdtemp(prefix="traction-serve-"))
        self.site = self.workdir / "site"
        self.problems: list[Problem] = []
        self.crash: str | None = None  # the traceback of a build that raised
        self.theme: Path | None = None  # the resolved theme_dir of the last build that had one
        self.failed = False

    def rebuild(self) -> None:
        """Build into the preview directory; on errors keep the old files but show the errors."""
        try:
            # Drawn in this process: a preview killed with `kill -9` must leave no child
            # behind, and after the first build only the cards of a change are drawn.
            rendered = render(self.content, self.base_url, cache=self.cache, parallel=False)
        except Exception as exc:  # a bug must not stop the preview; show it instead
            self.failed, self.problems = True, []
            self.crash = "".join(traceback.format_exception(exc))
            self.report(f"✗ build crashed: {type(exc).__name__}: {exc}\n{self.crash}")
            return
        self.crash = None
        self.problems = problems = list(rendered.problems)
        files = rendered.files
        config = rendered.analysis.content.config
        if config is not None:
            self.theme = (self.content / config.theme_dir).resolve() if config.theme_dir else None
        if files is None:
            self.failed = True
            self.report(format_text(problems, base=self.base)
                        + "\n✗ errors: the preview shows them until fixed")
            return
        write_site(files, self.site)
        self.failed = False
        if problems:
            self.report(format_text(problems, base=self.base))
        self.report(f"✓ rebuilt {len(files)} files")

    def watched(self) -> list[Path]:
        """Everything whose change should rebuild: the content (with a theme_dir inside it),
        a theme_dir outside it (`../theme`), and the default theme."""
        paths = [self.content, default_theme_dir()]
        theme = self.theme
        if (theme is not None and theme.is_dir()
                and not theme.is_relative_to(self.content.resolve())):
            paths.append(theme)
        return paths

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def error_page(self) -> bytes:
        if self.crash is not None:
            last = self.crash.rstrip().splitlines()[-1]
            heading = "The build crashed"
            body = (f"<p><strong>{html.escape(last)}</strong></p>"
                    "<p>This is a bug in traction or in a theme, not in your content. "
                    "Save again to retry; the terminal shows the same traceback.</p>"
                    f"<pre>{html.escape(self.crash)}</pre>")
        else:
            heading = "The content has errors"
            body = ("<p>Fix them and save; this page reloads by itself.</p>"
                    f"<ol class=problems>{self._problem_items()}</ol>")
        return (
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{heading}</title>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;"
            "padding:0 1rem}li{margin:.5rem 0}code{background:#f3f3f3;padding:0 .2rem}"
            "pre{overflow-x:auto;background:#f3f3f3;padding:.5rem}"
            f"</style></head><body><h1>{heading}</h1>{body}</body></html>"
        ).encode()

    def _problem_items(self) -> str:
        return "".join(
            f"<li><code>{html.escape(located(p.pos.file, self.base))}:{p.pos.line}:"
            f"{p.pos.col}</code> <strong>{p.severity}</strong>: "
            f"{html.escape(p.message)}"
            + (f"<br><small>hint: {html.escape(p.hint)}</small>" if p.hint else "") + "</li>"
            for p in self.problems)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("HTTP_HOST") not in local_hosts(self.port) or not local_origin(
                environ.get("HTTP_ORIGIN"), self.port):
            return self._respond(start_response, "403 Forbidden", "text/plain; charset=utf-8",
                                 b"Forbidden: the preview answers only this machine's names\n")
        path = environ.get("PATH_INFO", "/")
        target = self._resolve(path)
        if self.failed and (target is None or target.suffix == ".html"):
            return self._respond(start_response, "500 Internal Server Error",
                                 "text/html; charset=utf-8", self.error_page())
        if target is None:
            missing = self.site / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8",
                                 body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/xml",
                                                "image/svg+xml"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _resolve(self, path: str) -> Path | None:
        site = self.site.resolve()
        candidate = (site / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(site):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    @staticmethod
    def _respond(start_response: StartResponse, status: str, kind: str,
                 body: bytes) -> list[bytes]:
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # stop like Ctrl+C, so the preview's temporary files are removed


HOST = "127.0.0.1"


class ServeError(Exception):
    """The preview cannot start; the message is one line for the terminal."""


_LISTEN_ERRORS = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


def _port_problem(port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {HOST} is in use; pick another with --port"
    return f"Error: cannot listen on {HOST}:{port}: {exc.strerror or exc}; pick another with --port"


def _port_taken(port: int) -> str | None:
    """Why the server could not listen on the port, checked before building; None if it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado does
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            return _port_problem(port, exc)
    return None


def local_hosts(port: int) -> frozenset[str]:
    """The Host headers the preview answers: this machine's names, with the port. Any other
    (a DNS-rebinding page's own name) gets 403, so no foreign page can read the preview."""
    return frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))


def local_origin(origin: str | None, port: int) -> bool:
    """A request from a page of the preview itself, or from no page at all (a tool)."""
    return origin is None or origin in {f"http://{host}" for host in local_hosts(port)}


def _guarded_server(port: int) -> Any:
    """livereload's Server, with every handler refusing a foreign Host or Origin and tornado's
    debug mode (tracebacks in error pages) off."""
    from livereload import Server
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from tornado import escape, web

    hosts = local_hosts(port)

    class Guard(web.RequestHandler):
        def prepare(self) -> None:
            if self.request.host not in hosts or not local_origin(
                    self.request.headers.get("Origin"), port):
                raise web.HTTPError(403)

    class LiveReload(LiveReloadHandler):  # type: ignore[misc]
        def prepare(self) -> None:
            Guard.prepare(self)

        def check_origin(self, origin: str) -> bool:
            return local_origin(origin, port)

    class ForceReload(Guard, ForceReloadHandler):  # type: ignore[misc]
        pass

    class LiveReloadJS(Guard, LiveReloadJSHandler):  # type: ignore[misc]
        pass

    class GuardedServer(Server):  # type: ignore[misc]
        def application(self, port: int, host: str, liveport: Any = None, debug: Any = None,
                        live_css: bool = True) -> None:
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            live_handlers = [(r"/livereload", LiveReload), (r"/forcereload", ForceReload),
                             (r"/livereload.js", LiveReloadJS)]
            # livereload's own snippet, loaded from the page's own host and port
            script = escape.utf8(
                '<script type="text/javascript">(function(){'
                'var s=document.createElement("script");'
                f'var port={port};'
                's.src="//"+window.location.hostname+":"+port'
                '+ "/livereload.js?port=" + port;'
                'document.head.appendChild(s);'
                '})();</script>')

            class Inject(LiveScriptInjector):  # type: ignore[misc]
                pass

            Inject.script = script
            app = web.Application(handlers=live_handlers + self.get_web_handlers(script),
                                  debug=False, transforms=[Inject])
            app.listen(port, address=host)

    return GuardedServer


def serve(content: Path, port: int, report: Callable[[str], None],
          cache: Path | None = None, base: str = "") -> None:
    """Preview `content` on 127.0.0.1:`port` until interrupted; problems name files from
    `base` (problems.located). Raises ServeError."""
    from tornado.ioloop import IOLoop

    Server = _guarded_server(port)

    taken = _port_taken(port)
    if taken:
        raise ServeError(taken)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    preview = Preview(content, port, report, cache, base)
    server = Server(preview)
    if cache is not None:  # a rebuild writes there: watching it would rebuild again
        server.watcher.ignore_dirs(cache.name)
    watching: set[Path] = set()
    serving = False

    def rebuild() -> None:
        preview.rebuild()
        for path in preview.watched():  # e.g. a theme_dir outside the content, just set
            if path not in watching:
                watching.add(path)
                if serving:  # not while the watcher walks its tasks: on the next loop turn
                    IOLoop.current().add_callback(server.watch, str(path), rebuild, 0.2)
                else:
                    server.watch(str(path), rebuild, delay=0.2)

    try:
        rebuild()
        serving = True
        report(f"Serving {content} at {preview.base_url} (Ctrl+C to stop)")
        try:
            server.serve(port=port, host=HOST, open_url_delay=None, restart_delay=0)
        except OSError as exc:  # taken between the check and now
            if exc.errno not in _LISTEN_ERRORS:
                raise
            raise ServeError(_port_problem(port, exc)) from None
    finally:
        preview.close()
