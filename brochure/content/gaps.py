"""The facts a publication does not have yet: warnings for the editor. A reader's edition leaves
them out quietly, a draft edition marks them in the page; a gap the content marks `required:`
stops the sign-off (--final)."""
from __future__ import annotations

from pathlib import Path

from ..diagnostics import DATA_GAP, REQUIRED_GAP, WARNING, at
from ..model import UNKNOWN, Source

REQUIRED = "; required: --final refuses to build until it is given"


def missing_data(pub) -> list:
    """Warnings (Diagnostics) about facts the content does not have yet."""
    return (_networks(pub) + _cities(pub) + _events(pub) + _imprint(pub)
            + _logos(pub.logos, "logo") + _funding(pub))


def _gap(source, message: str, required: bool):
    return at(source, WARNING, message + (REQUIRED if required else ""),
              REQUIRED_GAP if required else DATA_GAP)


def _networks(pub) -> list:
    found = []
    for network in pub.networks:
        listed = len(pub.cities_of(network.id))
        if listed >= network.cities_expected:
            continue
        candidates = [c.name for c in pub.candidates if c.network == network.id]
        also = f" (candidates, not printed: {', '.join(candidates)})" if candidates else ""
        cities_file = Path(network.source.file).with_name("cities.yaml").as_posix()
        shown = ("names them in a sentence, without a MID table or a map of their own"
                 if network.mostly_unknown(listed) else "lists them")
        found.append(_gap(network.source,
                          f"network \"{network.id}\" lists {listed} of "
                          f"{network.cities_expected} cities{also}; add the missing cities to "
                          f"{cities_file} (until then its section {shown})",
                          "cities" in network.required))
    return found


def _cities(pub) -> list:
    found = []
    for city in pub.cities:
        if city.lat is None:
            found.append(_gap(city.source, f"city \"{city.name}\" has no coordinates (lat, "
                                           f"lon); it is left off the map",
                              "coordinates" in city.required))
        if city.mid is None:
            found.append(_gap(city.source, f"city \"{city.name}\" has no known MID topic; a "
                                           f"reader's edition leaves its topic out",
                              "mid" in city.required))
    for city in pub.candidates:
        found.append(at(city.source, WARNING,
                        f"city \"{city.name}\" is only a candidate for network "
                        f"\"{city.network}\" ({city.evidence}); it is not printed until a "
                        f"source confirms it", DATA_GAP))
    return found


def _events(pub) -> list:
    """One warning per kind of gap (and per required or not), naming each event."""
    found = []
    kinds = (("network", lambda e: e.network == UNKNOWN, "without a network mark"),
             ("end date", lambda e: e.end == UNKNOWN, "with their first day alone"))
    for what, lacks, shown in kinds:
        field = what.split()[0]
        for required in (False, True):
            events = [e for e in pub.events if lacks(e) and (field in e.required) == required]
            if events:
                dates = ", ".join(f"{e.start:%d.%m.%Y} (line {e.source.line})" for e in events)
                found.append(_gap(events[0].source,
                                  f"{len(events)} events have no known {what}: {dates}; a "
                                  f"reader's edition prints them {shown}", required))
    return found


def _imprint(pub) -> list:
    imprint = pub.imprint
    return [_gap(Source(imprint.source.file, imprint.lines[key]),
                 f'the imprint\'s "{key}" is unknown; a reader\'s edition leaves it out',
                 key in imprint.required)
            for key in sorted(imprint.fields, key=imprint.lines.__getitem__) if imprint.unknown(key)]


def _logos(slots, what: str) -> list:
    return [_gap(slot.source, f'{what} file "{slot.file}" ({next(iter(slot.name.values()))}) '
                              f"is missing; its slot prints the name until the file is added",
                 slot.required)
            for slot in slots if slot.src is None]


def _funding(pub) -> list:
    funding = pub.funding
    if funding is None:
        return []
    found = []
    if funding.unknown("text"):
        found.append(_gap(Source(funding.source.file, funding.lines["text"]),
                          "the funding line is unknown; a reader's edition prints no funding "
                          "strip", "text" in funding.required))
    return found + _logos(funding.get("logos", []), "funding logo")
