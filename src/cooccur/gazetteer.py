"""Canonical entities and the surface forms (aliases) that name them.

Countries come from `data/countries.csv` (names, official and alternate names, demonyms,
written for this project) completed by pycountry's ISO 3166 names; their capitals and
major cities become `place` entities linked to the country. `data/places.csv` adds
regions (US states, Canadian provinces…) with the abbreviations newswire datelines use
(`PASADENA, Calif.`), `data/entities.csv` international organisations and companies.
Users extend all of it with their own files (CSV or TOML: name, kind, aliases), passed as
`--gazetteer` or `$COOCCUR_GAZETTEER`. Each alias also gets its diacritic-free spellings,
because news (and machine translation) writes *Türkiye*, *Turkiye* and *Trkiye* alike.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pycountry

from cooccur.settings import DATA_DIR

KINDS = ("country", "place", "org", "person", "theme")
# When one surface form names entities of several kinds, the first kind here wins.
KIND_PRIORITY = {kind: rank for rank, kind in enumerate(("country", "place", "org", "person"))}
GAZETTEER_ENV = "COOCCUR_GAZETTEER"


class GazetteerError(ValueError):
    """A user gazetteer file that cannot be read; the message names the file and row."""


@dataclass(frozen=True)
class Entity:
    key: str
    name: str
    kind: str
    iso3: str | None = None
    country_iso3: str | None = None  # the country a place, person or org belongs to
    wikidata: str | None = None


def entity_key(kind: str, name: str, iso3: str | None = None) -> str:
    """The cross-area key: `country:ITA`, else `<kind>:<name lower-cased, single spaces>`."""
    if kind == "country" and iso3:
        return f"country:{iso3.upper()}"
    return f"{kind}:{' '.join(name.lower().split())}"


def fold_key(text: str) -> str:
    """Lower case, accents and dots dropped, single spaces: how datelines are looked up."""
    if text.isascii():  # no accents to drop: NFKD and the per-character filter change nothing
        return " ".join(text.lower().replace(".", " ").split())
    decomposed = unicodedata.normalize("NFKD", text.lower().replace(".", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    # entity key -> {surface form: "name" | "demonym"}
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    blockers: set[str] = field(default_factory=set)  # phrases that name no entity
    dateline: dict[str, str] = field(default_factory=dict)  # fold_key(form) -> entity key
    # country key -> (the state it was part of, the day it stopped being so): Moscow in
    # 1987 is in the Soviet Union
    historic: dict[str, tuple[str, date]] = field(default_factory=dict)

    def add(self, entity: Entity, names: Iterable[str], *, alias_type: str = "name") -> None:
        self.entities.setdefault(entity.key, entity)
        forms = self.aliases.setdefault(entity.key, {})
        # only country names are common enough in broken encodings to risk the dropped
        # spelling: for cities it makes words (Thiès → This, Åland → land)
        dropped = entity.kind == "country"
        for name in names:
            name = " ".join(name.split())
            if name:
                for form in spelling_variants(name, dropped=dropped):
                    forms.setdefault(form, alias_type)

    def add_dateline_forms(self, key: str, forms: Iterable[str]) -> None:
        for form in forms:
            if form.strip():
                self.dateline.setdefault(fold_key(form), key)

    def as_of(self, key: str, day: date | None) -> str:
        """The country key as it stood on `day` (`country:RUS` → `country:SUN` in 1987)."""
        past = self.historic.get(key)
        return past[0] if past and day is not None and day < past[1] else key

    def country_of(self, key: str) -> str | None:
        """ISO3 of the country an entity is or belongs to (None for stateless ones)."""
        entity = self.entities.get(key)
        if entity is None:
            return None
        return entity.iso3 if entity.kind == "country" else entity.country_iso3

    def lookup_place(self, text: str) -> str | None:
        """Entity key of a place or country named exactly `text` (a dateline component)."""
        memo = self.__dict__.setdefault("_place_memo", {})
        if text not in memo:
            folded = fold_key(text)
            key = self.dateline.get(folded) or self._folded_aliases().get(folded)
            memo[text] = key if key and self.entities[key].kind in ("country", "place") else None
        return memo[text]

    def lookup_alias(self, text: str) -> str | None:
        """Entity key of any entity one of whose names is `text` (case and accents aside)."""
        memo = self.__dict__.setdefault("_alias_memo", {})  # names recur from article to article
        if text not in memo:
            memo[text] = self._folded_aliases().get(fold_key(text))
        return memo[text]

    def _folded_aliases(self) -> dict[str, str]:
        cache = self.__dict__.get("_folded_cache")
        if cache is None:
            cache = {}
            for key in sorted(self.aliases, key=lambda k: KIND_PRIORITY.get(k.split(":")[0], 9)):
                for form in self.aliases[key]:
                    cache.setdefault(fold_key(form), key)
            self.__dict__["_folded_cache"] = cache
        return cache

    @property
    def version(self) -> str:
        """Changes whenever an entity or alias changes, so stale tags can be redone."""
        digest = hashlib.sha256()
        for key in sorted(self.aliases):
            digest.update(f"{self.entities[key]}|{sorted(self.aliases[key].items())}\n".encode())
        digest.update(str(sorted(self.blockers)).encode())
        digest.update(str(sorted(self.dateline.items())).encode())
        digest.update(str(sorted(self.historic.items())).encode())
        return digest.hexdigest()[:16]


def spelling_variants(name: str, *, dropped: bool = True) -> set[str]:
    """The name, its accent-free form (Türkiye → Turkiye) and its dropped form (Trkiye)."""
    nfc = unicodedata.normalize("NFC", name)
    decomposed = unicodedata.normalize("NFKD", nfc)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    variants = {nfc, folded}
    ascii_only = "".join(c for c in nfc if c.isascii())
    # only a letter dropped inside a word (Trkiye), not the initial (Åland → 'land')
    if dropped and nfc[:1].isascii() and ascii_only.strip() and len(ascii_only) >= 4:
        variants.add(" ".join(ascii_only.split()))
    return variants


def _split(cell: str | list[str] | None) -> list[str]:
    if isinstance(cell, list):
        return [str(part).strip() for part in cell if str(part).strip()]
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _iso_names(iso3: str) -> list[str]:
    record = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(alpha_3=iso3)
    if record is None:
        return []
    names = [getattr(record, attr, None) for attr in ("name", "official_name", "common_name")]
    return [n for n in names if n and "," not in n]  # 'Korea, Republic of' is no news form


def _text_name(name: str) -> str | None:
    """A display name with a qualifier (`Georgia (U.S. state)`) is not a surface form."""
    return None if "(" in name else name


def _add_place(gazetteer: Gazetteer, name: str, iso3: str, aliases: list[str]) -> str:
    country_forms = {fold_key(f) for f in gazetteer.aliases.get(f"country:{iso3}", {})}
    if fold_key(name) in country_forms:
        return f"country:{iso3}"  # Singapore the city is Singapore the country
    # one entity for spellings that differ only by accents (Liège, Liege)
    key = entity_key("place", name)
    for existing in (entity_key("place", fold_key(name)), key):
        if existing in gazetteer.entities and gazetteer.entities[existing].kind == "place":
            key = existing
            break
    entity = gazetteer.entities.get(key) or Entity(
        key=key, name=name, kind="place", country_iso3=iso3
    )
    if entity.country_iso3 != iso3:
        return key  # same city name in two countries: the first listed keeps it
    names = [n for n in (_text_name(name), *aliases) if n]
    gazetteer.add(entity, names)
    gazetteer.add_dateline_forms(key, names)
    return key


def load_countries(path: Path = DATA_DIR / "countries.csv") -> Gazetteer:
    """Countries with their names and demonyms, their capitals and cities as places."""
    gazetteer = Gazetteer()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        iso3 = row["iso3"].strip()
        entity = Entity(key=f"country:{iso3}", name=row["name"].strip(), kind="country", iso3=iso3)
        names = [entity.name, *_split(row["aliases"]), *_iso_names(iso3)]
        gazetteer.add(entity, names)
        gazetteer.add(entity, _split(row["demonyms"]), alias_type="demonym")
        gazetteer.add_dateline_forms(entity.key, names)
    for row in rows:
        iso3 = row["iso3"].strip()
        for city in _split(row.get("capital")) + _split(row.get("cities")):
            _add_place(gazetteer, city, iso3, [])
    places = DATA_DIR / "places.csv"
    with places.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3 = row["country_iso3"].strip()
            key = _add_place(gazetteer, row["name"].strip(), iso3, _split(row["aliases"]))
            gazetteer.add_dateline_forms(key, _split(row["dateline_abbreviations"]))
    with (DATA_DIR / "historic_countries.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gazetteer.historic[f"country:{row['iso3']}"] = (
                f"country:{row['historic_iso3']}",
                date.fromisoformat(row["until"]),
            )
    blockers = DATA_DIR / "not_entities.txt"
    if blockers.exists():
        for line in blockers.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                gazetteer.blockers.add(line.strip())
    return gazetteer


def read_entity_file(path: Path) -> Iterator[dict[str, object]]:
    """Rows of a user gazetteer: CSV with a header, or TOML with `[[entity]]` tables.

    Fields: `name`, `kind` (country, place, org, person), `aliases` (`;`-separated in CSV,
    a list in TOML), optional `iso3` (countries), `country_iso3`, `wikidata`.
    """
    if not path.is_file():
        raise GazetteerError(f"gazetteer file not found: {path}")
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise GazetteerError(f"{path}: not valid TOML ({error})") from None
        rows = data.get("entity", data.get("entities", []))
        yield from ((i, r) for i, r in enumerate(rows, start=1))  # type: ignore[misc]
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"name", "kind"} - set(reader.fieldnames or [])
        if missing:
            raise GazetteerError(f"{path}: header needs columns name, kind, aliases")
        yield from enumerate(reader, start=2)  # type: ignore[misc]


def add_entity_file(gazetteer: Gazetteer, path: Path) -> None:
    """Add (or extend) the entities of one gazetteer file."""
    for line, row in read_entity_file(path):  # type: ignore[misc]
        name = str(row.get("name") or "").strip()
        kind = str(row.get("kind") or "").strip().lower()
        if not name or kind not in KINDS or kind == "theme":
            raise GazetteerError(
                f"{path}, entry {line}: needs a name and a kind among country, place, org, "
                f"person (got name={name!r}, kind={kind!r})"
            )
        iso3 = str(row.get("iso3") or "").strip().upper() or None
        if kind == "country" and not iso3:
            match = gazetteer.lookup_place(name)
            iso3 = gazetteer.country_of(match) if match else None
            if iso3 is None:
                raise GazetteerError(f"{path}, entry {line}: a country needs its iso3 code")
        key = entity_key(kind, name, iso3)
        entity = gazetteer.entities.get(key) or Entity(
            key=key,
            name=name,
            kind=kind,
            iso3=iso3 if kind == "country" else None,
            country_iso3=str(row.get("country_iso3") or "").strip().upper() or None,
            wikidata=str(row.get("wikidata") or "").strip() or None,
        )
        names = [n for n in (_text_name(name), *_split(row.get("aliases"))) if n]  # type: ignore[arg-type]
        gazetteer.add(entity, names)
        if kind in ("country", "place"):
            gazetteer.add_dateline_forms(key, names)
    gazetteer.__dict__.pop("_folded_cache", None)
    gazetteer.__dict__.pop("_place_memo", None)
    gazetteer.__dict__.pop("_alias_memo", None)


def gazetteer_paths(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """User gazetteer files: the given ones, else those in `$COOCCUR_GAZETTEER`."""
    chosen = [Path(p) for p in paths or []]
    if not chosen and os.environ.get(GAZETTEER_ENV):
        chosen = [Path(p) for p in os.environ[GAZETTEER_ENV].split(os.pathsep) if p]
    return chosen


def load_gazetteer(paths: Iterable[Path | str] | None = None) -> Gazetteer:
    """Everything the tagger knows: countries, places, bundled orgs, then user files."""
    gazetteer = load_countries()
    add_entity_file(gazetteer, DATA_DIR / "entities.csv")
    for path in gazetteer_paths(paths):
        add_entity_file(gazetteer, path)
    return gazetteer
