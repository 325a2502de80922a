"""The loket's themes: which open NL Design System tokens package dresses the pages.

A theme is a deployment setting (`LOKET_THEMA`, the template's `LoketThema`): the build makes
one stylesheet per theme from its npm package (local/vil_local/stijl.py), the function serves the
one the setting names and puts its class on `<body>` (docs/loket.md, "Styles").
"""

from dataclasses import dataclass
from typing import Literal

Themanaam = Literal["voorbeeld", "mooi-en-anders"]


@dataclass(frozen=True)
class Thema:
    pakket: str  # the npm package (package.json pins it; EUPL-1.2)
    css: str  # its CSS custom properties, in the package
    klasse: str  # the class on <body> its properties hang on


THEMAS: dict[str, Thema] = {
    # NL Design System's neutral example theme: the default.
    "voorbeeld": Thema(
        "@nl-design-system-unstable/voorbeeld-design-tokens", "dist/theme.css", "voorbeeld-theme"
    ),
    # "Mooi & Anders", an open community theme: shows that another package dresses the same
    # pages. A gemeente whose own tokens are open adds its package here and in package.json.
    "mooi-en-anders": Thema(
        "@nl-design-system-community/ma-design-tokens", "dist/theme.css", "ma-theme"
    ),
}
