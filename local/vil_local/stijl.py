"""The loket's stylesheets, made from npm's NL Design System packages (`npm ci` first).

Only the Utrecht components the templates use, and of a theme only the custom properties those
components reach (transitively): a page's HTML and CSS stay far below 150 KB. One stylesheet per
theme of vil.loket.themas, written to functions/loket/static/<theme>.css; the function serves
the one its setting LOKET_THEMA names and `make build` packages them all. Not committed (made
again from package-lock.json).
"""

import re
import sys
from pathlib import Path

from vil.loket.themas import THEMAS, Thema
from vil_local.template import ROOT

NODE = ROOT / "node_modules"
DOELMAP = ROOT / "functions" / "loket" / "static"
EIGEN = ROOT / "layers" / "vil" / "vil" / "loket" / "loket.css"  # the loket's own layout
COMPONENTEN = (
    "root", "body", "document", "page", "page-header", "page-content", "page-footer",
    "skip-link", "heading-1", "heading-2", "heading-3", "paragraph", "link", "button",
    "button-link", "button-group", "unordered-list", "ordered-list", "alert", "form-field",
    "form-label", "form-field-description", "form-field-error-message", "form-fieldset",
    "textbox", "textarea", "select",
    "checkbox", "radio-button", "table", "data-list", "status-badge", "separator",
)  # fmt: skip
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_KLASSE = re.compile(r"\.(utrecht-[\w-]+)")
_NIET = re.compile(r":not\([^()]*\)")
SJABLONEN = ROOT / "layers" / "vil" / "vil" / "loket" / "sjablonen"
_DECLARATIE = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")


def componenten() -> str:
    """The components' CSS, without the rules for classes no template uses (modifiers such as
    `utrecht-button--busy`): a selector stays when every Utrecht class in it is used."""
    gebruikt = {
        klasse
        for sjabloon in SJABLONEN.rglob("*.html")
        for klasse in re.findall(r"utrecht-[\w-]+", sjabloon.read_text(encoding="utf-8"))
    }
    delen = []
    for naam in COMPONENTEN:
        pad = NODE / "@utrecht" / f"{naam}-css" / "dist" / "index.min.css"
        delen.append(_alleen_gebruikt(pad.read_text(encoding="utf-8"), gebruikt))
    return "\n".join(delen)


def _alleen_gebruikt(css: str, gebruikt: set[str]) -> str:
    """Rules of minified CSS whose selectors name used classes only; at-rules (@media,
    @supports) are filtered inside, one level deep."""
    uit = []
    for at, selectors, inhoud in _regels(css):
        if at:
            binnen = _alleen_gebruikt(inhoud, gebruikt)
            if binnen:
                uit.append(f"{selectors}{{{binnen}}}")
            continue
        houden = [s for s in _selectors(selectors) if _klassen(s) <= gebruikt]
        if houden:
            uit.append(f"{','.join(houden)}{{{inhoud}}}")
    return "".join(uit)


def _klassen(selector: str) -> set[str]:
    """The Utrecht classes an element must have to match; those under :not() need not."""
    return set(_KLASSE.findall(_NIET.sub("", selector)))


def _selectors(lijst: str) -> list[str]:
    """A selector list split at its top-level commas (not those in `:is(a, b)`)."""
    delen, diepte, begin = [], 0, 0
    for i, teken in enumerate(lijst):
        diepte += {"(": 1, ")": -1}.get(teken, 0)
        if teken == "," and diepte == 0:
            delen.append(lijst[begin:i])
            begin = i + 1
    return [*delen, lijst[begin:]]


def _regels(css: str) -> list[tuple[bool, str, str]]:
    """(is an at-rule with a block, selector or prelude, content) of each top-level rule."""
    regels = []
    i = 0
    while i < len(css):
        open_ = css.find("{", i)
        if open_ < 0:
            break
        kop = css[i:open_].strip()
        diepte, j = 1, open_ + 1
        while diepte and j < len(css):
            diepte += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        regels.append((kop.startswith("@"), kop, css[open_ + 1 : j - 1]))
        i = j
    return regels


def thema(gebruikt: str, gekozen: Thema) -> str:
    """The theme's declarations the given CSS reaches, in the theme's order, on its class."""
    bron = NODE / gekozen.pakket / gekozen.css
    declaraties = dict(_DECLARATIE.findall(bron.read_text(encoding="utf-8")))
    nodig: set[str] = set()
    open_ = set(_VAR.findall(gebruikt))
    while open_:
        naam = open_.pop()
        if naam in nodig or naam not in declaraties:
            continue
        nodig.add(naam)
        open_ |= set(_VAR.findall(declaraties[naam]))
    regels = "".join(f"{n}:{w.strip()};" for n, w in declaraties.items() if n in nodig)
    return f".{gekozen.klasse}{{{regels}}}"


def maak() -> list[Path]:
    eigen = EIGEN.read_text(encoding="utf-8")
    css = componenten() + "\n" + eigen
    DOELMAP.mkdir(parents=True, exist_ok=True)
    gemaakt = []
    for naam, gekozen in THEMAS.items():
        kop = (
            f"/* Made by vil_local.stijl from @utrecht/*-css and {gekozen.pakket}"
            " (EUPL-1.2, NL Design System). */\n"
        )
        doel = DOELMAP / f"{naam}.css"
        doel.write_text(kop + thema(css, gekozen) + "\n" + css, encoding="utf-8")
        gemaakt.append(doel)
    return gemaakt


if __name__ == "__main__":
    ontbreekt = [t.pakket for t in THEMAS.values() if not (NODE / t.pakket / t.css).is_file()]
    if ontbreekt:
        sys.exit(f"vil_local.stijl: eerst `npm ci` (make doet dat); ontbreekt: {ontbreekt}")
    for doel in maak():
        print(f"{doel.relative_to(ROOT)}: {doel.stat().st_size // 1024} KB")
