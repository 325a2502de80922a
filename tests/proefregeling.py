"""A small, valid rule file and shared parameters to test the loader and the catalogue with."""

from typing import Any

SHARED: dict[str, Any] = {
    "parameters": {
        "awirMinimumBedrag": {
            "omschrijving": "Minimum",
            "eenheid": "euro-per-jaar",
            "indexatie": False,
            "waarden": [
                {"vanaf": "2025-01-01", "waarde": 24, "bron": "Awir", "status": "bevestigd"}
            ],
        }
    }
}

VALID: dict[str, Any] = {
    "id": "proef",
    "naam": "Proefregeling",
    "omschrijving": "Een kleine regeling om de lader mee te toetsen.",
    "uitvoerder": "VIL",
    "soort": "rijk",
    "grondslag": {"wet": "Proefwet", "url": "https://wetten.overheid.nl/proef"},
    "rechtsbescherming": {
        "rechtsmiddel": "bezwaar",
        "grondslag": "Awb art. 6:4",
        "adres": {
            "aan": "Proefdienst",
            "postadres": "Postbus 1, 1000 AA Proef",
            "bron": "proef",
            "status": "bevestigd",
        },
    },
    "toekenning": {"wijze": "handmatig", "periode": "kalenderjaar"},
    "parameters": {
        "grens": {
            "omschrijving": "Inkomensgrens",
            "eenheid": "euro-per-jaar",
            "indexatie": True,
            "waarden": [
                {"vanaf": "2026-01-01", "waarde": 20000, "bron": "Stcrt.", "status": "bevestigd"}
            ],
        }
    },
    "invoer": {"aanvrager.toetsingsinkomen": {"type": "bedrag", "bron": "belastingdienst"}},
    "berekening": [
        {
            "naam": "ruimte",
            "type": "bedrag",
            "expressie": "grens - aanvrager.toetsingsinkomen",
            "omschrijving": "Ruimte onder de grens",
            "grondslag": "art. 1",
        },
        {
            "naam": "bedrag",
            "type": "bedrag",
            "expressie": "ruimte / 10",
            "omschrijving": "Een tiende daarvan",
            "grondslag": "art. 2",
        },
    ],
    "voorwaarden": [
        {
            "naam": "inkomen",
            "expressie": "ruimte >= 0",
            "grondslag": "art. 1",
            "uitleg": {"voldaan": "Uw inkomen is laag genoeg.", "nietVoldaan": "Te hoog."},
        }
    ],
    "uitkomst": {
        "betaling": "periodiek",
        "bedragPerJaar": "bedrag",
        "afronding": "awir",
        "minimum": "awirMinimumBedrag",
        "grondslag": "art. 2",
        "uitlegGeenBedrag": "Het bedrag is te laag.",
    },
    "tests": [
        {
            "naam": "Een laag inkomen geeft een tiende van de ruimte",
            "bron": "hand",
            "peildatum": "2026-03-01",
            "huishouden": {"aanvrager": {"toetsingsinkomen": 10000}},
            "verwacht": {"recht": True, "bedragPerJaar": "1000.00"},
        }
    ],
}
