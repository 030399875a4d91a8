"""`traction serve`: a live-reloading local preview.

Every change to the content, its theme or the default theme rebuilds the whole
site into a private directory with the same atomic writer as `build`, so the
browser never sees a half-built site. While the content has errors, every page
shows them (file:line:col and hints) and the terminal prints them; the server
keeps running and recovers on the next good save.
"""

from __future__ import annotations

import html
import mimetypes
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.build import render
from generator.problems import Problem, format_text
from generator.render import default_theme_dir
from generator.writer import write_site

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Preview:
    """A WSGI app serving the last good build, or the errors of the last failed one."""

    def __init__(self, content: Path, port: int, report: Callable[[str], None]) -> None:
        self.content = content
        self.base_url = f"http://127.0.0.1:{port}/"
        self.report = report
        self.workdir = Path(tempfile.mkdtemp(prefix="traction-serve-"))
        self.site = self.workdir / "site"
        self.problems: list[Problem] = []
        self.failed = False

    def rebuild(self) -> None:
        """Build into the preview directory; on errors keep the old files but show the errors."""
        try:
            _, files, problems = render(self.content, self.base_url)
        except Exception as exc:  # a bug must not stop the preview; show it instead
            self.failed, self.problems = True, []
            self.report(f"✗ build crashed: {exc!r}")
            return
        self.problems = problems
        if files is None:
            self.failed = True
            self.report(format_text(problems) + "\n✗ errors: the preview shows them until fixed")
            return
        write_site(files, self.site)
        self.failed = False
        if problems:
            self.report(format_text(problems))
        self.report(f"✓ rebuilt {len(files)} files")

    def watched(self) -> list[Path]:
        """Everything whose change should rebuild: content (incl. a theme_dir in it), the theme."""
        return [self.content, default_theme_dir()]

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def error_page(self) -> bytes:
        items = "".join(
            f"<li><code>{html.escape(str(p.pos))}</code> <strong>{p.severity}</strong>: "
            f"{html.escape(p.message)}"
            + (f"<br><small>hint: {html.escape(p.hint)}</small>" if p.hint else "") + "</li>"
            for p in self.problems)
        return (
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Build errors</title>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;"
            "padding:0 1rem}li{margin:.5rem 0}code{background:#f3f3f3;padding:0 .2rem}"
            "</style></head><body><h1>The content has errors</h1>"
            "<p>Fix them and save; this page reloads by itself.</p>"
            f"<ol class=problems>{items}</ol></body></html>"
        ).encode()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
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


def serve(content: Path, port: int, report: Callable[[str], None]) -> None:
    from livereload import Server

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    preview = Preview(content, port, report)
    preview.rebuild()
    server = Server(preview)
    for path in preview.watched():
        server.watch(str(path), preview.rebuild, delay=0.2)
    report(f"Serving {content} at {preview.base_url} (Ctrl+C to stop)")
    try:
        server.serve(port=port, host="127.0.0.1", open_url_delay=None, restart_delay=0)
    finally:
        preview.close()
