"""The facts a publication does not have yet: warnings for the editor (a reader's edition
leaves them out quietly)."""
from __future__ import annotations

from pathlib import Path

from ..diagnostics import DATA_GAP, WARNING, at
from ..model import UNKNOWN

def missing_data(pub) -> list:
    """Warnings (Diagnostics) about facts the content does not have yet."""
    warnings = []
    for network in pub.networks:
        listed = len(pub.cities_of(network.id))
        candidates = [c.name for c in pub.candidates if c.network == network.id]
        also = f" (candidates, not printed: {', '.join(candidates)})" if candidates else ""
        cities_file = Path(network.source.file).with_name("cities.yaml").as_posix()
        if listed < network.cities_expected:
            warnings.append(at(network.source, WARNING,
                               f"network \"{network.id}\" lists {listed} of "
                               f"{network.cities_expected} cities{also}; add the missing cities "
                               f"to {cities_file}", DATA_GAP))
    for city in pub.cities:
        if city.lat is None:
            warnings.append(at(city.source, WARNING, f"city \"{city.name}\" has no coordinates "
                                                     f"(lat, lon); it is left off the map", DATA_GAP))
        if city.mid is None:
            warnings.append(at(city.source, WARNING, f"city \"{city.name}\" has no known MID "
                                                     f"topic; the MID table says it is unknown", DATA_GAP))
    for city in pub.candidates:
        warnings.append(at(city.source, WARNING,
                           f"city \"{city.name}\" is only a candidate for network "
                           f"\"{city.network}\" ({city.evidence}); it is not printed until a "
                           f"source confirms it", DATA_GAP))
    for what, events in (("network", [e for e in pub.events if e.network == UNKNOWN]),
                         ("end date", [e for e in pub.events if e.end == UNKNOWN])):
        if events:
            dates = ", ".join(f"{e.start:%d.%m.%Y} (line {e.source.line})" for e in events)
            warnings.append(at(events[0].source, WARNING,
                               f"{len(events)} events have no known {what}: {dates}", DATA_GAP))
    return warnings
