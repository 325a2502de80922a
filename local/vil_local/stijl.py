"""The loket's stylesheet, made from npm's NL Design System packages (`npm ci` first).

Only the Utrecht components the templates use, and of the open theme only the custom properties
those components reach (transitively): a page's HTML and CSS stay far below 150 KB. Written to
functions/loket/static/loket.css, which the function serves and `make build` packages; not
committed (made again from package-lock.json).
"""

import re
import sys
from pathlib import Path

from vil_local.template import ROOT

NODE = ROOT / "node_modules"
DOEL = ROOT / "functions" / "loket" / "static" / "loket.css"
THEMA = NODE / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist" / "theme.css"
EIGEN = ROOT / "layers" / "vil" / "vil" / "loket" / "loket.css"  # the loket's own layout
COMPONENTEN = (
    "root", "body", "document", "page", "page-header", "page-content", "page-footer",
    "skip-link", "heading-1", "heading-2", "heading-3", "paragraph", "link", "button",
    "button-link", "button-group", "unordered-list", "ordered-list", "alert", "form-field",
    "form-label", "form-field-description", "form-field-error-message", "form-fieldset",
    "textbox", "textarea", "checkbox", "radio-button", "table", "data-list", "status-badge",
    "separator",
)  # fmt: skip
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_DECLARATIE = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")


def componenten() -> str:
    delen = []
    for naam in COMPONENTEN:
        pad = NODE / "@utrecht" / f"{naam}-css" / "dist" / "index.min.css"
        delen.append(pad.read_text(encoding="utf-8"))
    return "\n".join(delen)


def thema(gebruikt: str) -> str:
    """The theme's declarations the given CSS reaches, in the theme's order."""
    declaraties = dict(_DECLARATIE.findall(THEMA.read_text(encoding="utf-8")))
    nodig: set[str] = set()
    open_ = set(_VAR.findall(gebruikt))
    while open_:
        naam = open_.pop()
        if naam in nodig or naam not in declaraties:
            continue
        nodig.add(naam)
        open_ |= set(_VAR.findall(declaraties[naam]))
    regels = "".join(f"{n}:{w.strip()};" for n, w in declaraties.items() if n in nodig)
    return f".voorbeeld-theme{{{regels}}}"


def maak() -> Path:
    eigen = EIGEN.read_text(encoding="utf-8")
    css = componenten() + "\n" + eigen
    DOEL.parent.mkdir(parents=True, exist_ok=True)
    DOEL.write_text(thema(css) + "\n" + css, encoding="utf-8")
    return DOEL


if __name__ == "__main__":
    if not THEMA.is_file():
        sys.exit("vil_local.stijl: eerst `npm ci` (make doet dat)")
    print(f"{maak().relative_to(ROOT)}: {DOEL.stat().st_size // 1024} KB")
