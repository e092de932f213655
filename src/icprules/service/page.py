"""The web page for people (``/``): a form generated in the browser from the published input schema.

Everything it needs is shipped in the package (``static/``): no CDN, no external font, no build
step. The page only talks to this service, which its Content-Security-Policy enforces.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Nothing but this service: scripts, styles, images and requests all come from the same origin.
POLICY = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _static() -> str:
    return str(resources.files("icprules.service") / "static")


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=_static()), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        html = (resources.files("icprules.service") / "static" / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff",
                                           "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})
