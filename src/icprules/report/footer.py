"""What a site or APP must show once its filing is approved."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..data import builtin
from ..identifiers import record_number as rn


def _display() -> dict[str, Any]:
    display: dict[str, Any] = builtin().resolve("display")
    return display


def miit_link(as_of: dt.date | None = None) -> str:
    """The MIIT link a footer carries on a day (data/display.yaml: the link and its history)."""
    if as_of is not None:
        # The history's entries are dated data: those in force that day are kept.
        earlier = builtin().on(as_of).files["display"].get("miit_link_history") or []
        if earlier:
            return str(earlier[0]["link"])
    return str(_display()["miit_link"])


def website_html(record: str, police: str | None = None, as_of: dt.date | None = None) -> str:
    """The HTML for the bottom of every page: the record number linked to MIIT (the link of ``as_of``,
    default today), and the public-security number linked to its portal when given. Raises RecordNumberError."""
    display = _display()
    number = rn.parse(record)
    if number.kind == "police":
        raise rn.InvalidComponent("give the ICP record number first, the public-security number with --police")
    parts = [f'<a href="{html.escape(miit_link(as_of))}" target="_blank" rel="noopener noreferrer">'
             f"{html.escape(rn.format(number))}</a>"]
    if police is not None:
        pnum = rn.parse(police)
        if pnum.kind != "police":
            raise rn.InvalidComponent(f"{police!r} is not a public-security filing number")
        link = display["police_link"].replace("{code}", pnum.serial)
        parts.append(f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">'
                     f"{html.escape(rn.format(pnum))}</a>")
    return '<div class="beian">\n  ' + "\n  ".join(parts) + "\n</div>\n"


def app_notice(record: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """The text and link an APP shows in its settings or about page."""
    display = _display()
    number = rn.parse(record)
    label = display["app_label"]
    text = rn.format(number)
    return {"zh": f"{label['zh']}：{text}", "en": f"{label['en']}: {text}", "link": miit_link(as_of),
            "record_number": text}
