"""Regenerate the value lists of refernlp/schema.json from refernlp/schema.py.

    python scripts/build_schema.py [--check]

The JSON Schema's structure and prose are kept as written; every enumeration
(request types, purposes, relationships, transparency labels and missing elements,
politeness labels, severities, the schema version) is taken from the
vocabulary module, so the two cannot drift. ``--check`` exits 1 when the file
is stale instead of writing it (``tests/unit/test_schema.py`` does the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp import schema  # noqa: E402

PATH = ROOT / "refernlp" / "schema.json"


def build(current: dict) -> dict:
    """``current`` with every enumeration replaced by the vocabulary's."""
    out = json.loads(json.dumps(current))
    props = out["properties"]
    props["schema_version"]["const"] = schema.SCHEMA_VERSION
    props["request_type"]["properties"]["label"]["enum"] = list(schema.REQUEST_TYPES)
    props["purpose"]["oneOf"][1]["properties"]["label"]["enum"] = list(schema.PURPOSES)
    props["relationship"]["properties"]["label"]["enum"] = list(schema.RELATIONSHIPS)
    props["relationship"]["properties"]["source"]["enum"] = list(schema.RELATIONSHIP_SOURCES)
    props["channel"]["properties"]["label"]["enum"] = list(schema.CHANNELS)
    props["channel"]["properties"]["source"]["enum"] = list(schema.CHANNEL_SOURCES)
    props["transparency"]["properties"]["label"]["enum"] = [*schema.TRANSPARENCY, None]
    props["transparency"]["properties"]["missing"]["items"]["enum"] = [*schema.MISSING_TARGETED, *schema.MISSING_GENERAL]
    props["politeness"]["properties"]["label"]["enum"] = list(schema.POLITENESS)
    out["$defs"]["strategy"]["properties"]["polarity"]["enum"] = list(schema.POLARITIES)
    out["$defs"]["finding"]["properties"]["severity"]["enum"] = list(schema.SEVERITIES)
    return out


def render(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the file is stale, write nothing")
    args = ap.parse_args()
    text = PATH.read_text(encoding="utf-8")
    new = render(build(json.loads(text)))
    if args.check:
        if json.loads(new) != json.loads(text):
            print(f"{PATH} is stale: run python scripts/build_schema.py", file=sys.stderr)
            return 1
        return 0
    if json.loads(new) != json.loads(text):
        PATH.write_text(new, encoding="utf-8")
        print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
