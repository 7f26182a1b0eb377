"""Canonical entities and the surface forms (aliases) that name them.

Countries come from `data/countries.csv` (names, official and alternate names, demonyms,
written for this project) completed by pycountry's ISO 3166 names. Each alias also gets
its diacritic-free spellings, because news (and machine translation) writes *Türkiye*,
*Turkiye* and *Trkiye* alike.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from cooccur.settings import DATA_DIR


@dataclass(frozen=True)
class Entity:
    key: str
    name: str
    kind: str
    iso3: str | None = None


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # entity key -> surface forms
    blockers: set[str] = field(default_factory=set)  # phrases that name no entity

    def add(self, entity: Entity, names: list[str]) -> None:
        self.entities.setdefault(entity.key, entity)
        forms = self.aliases.setdefault(entity.key, set())
        for name in names:
            name = " ".join(name.split())
            if name:
                forms.update(spelling_variants(name))

    @property
    def version(self) -> str:
        """Changes whenever an entity or alias changes, so stale tags can be redone."""
        digest = hashlib.sha256()
        for key in sorted(self.aliases):
            digest.update(f"{self.entities[key]}|{sorted(self.aliases[key])}\n".encode())
        digest.update(str(sorted(self.blockers)).encode())
        return digest.hexdigest()[:16]


def spelling_variants(name: str) -> set[str]:
    """The name, its accent-free form (Türkiye → Turkiye) and its dropped form (Trkiye)."""
    nfc = unicodedata.normalize("NFC", name)
    decomposed = unicodedata.normalize("NFKD", nfc)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    dropped = "".join(c for c in nfc if c.isascii())
    variants = {nfc, folded}
    if dropped.strip() and len(dropped) >= 4:
        variants.add(" ".join(dropped.split()))
    return variants


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _iso_names(iso3: str) -> list[str]:
    record = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(alpha_3=iso3)
    if record is None:
        return []
    names = [getattr(record, attr, None) for attr in ("name", "official_name", "common_name")]
    return [n for n in names if n and "," not in n]  # 'Korea, Republic of' is no news form


def load_countries(path: Path = DATA_DIR / "countries.csv") -> Gazetteer:
    gazetteer = Gazetteer()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3 = row["iso3"].strip()
            entity = Entity(
                key=f"country:{iso3}", name=row["name"].strip(), kind="country", iso3=iso3
            )
            names = [entity.name, *_split(row["aliases"]), *_split(row["demonyms"])]
            gazetteer.add(entity, names + _iso_names(iso3))
    blockers = DATA_DIR / "not_entities.txt"
    if blockers.exists():
        for line in blockers.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                gazetteer.blockers.add(line.strip())
    return gazetteer
