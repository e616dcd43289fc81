"""The real command line (brochure.commands.cli.main), restricted to some editions.

    python bench/only_edition.py EDITION[,EDITION...] [build.py options...]

The CLI has no --edition flag: --lang pl builds both pl and pl-print. The scale series wants the
Polish screen edition alone, so this wrapper narrows the edition list that the CLI selects (the
same function, given edition ids) and then runs the CLI unchanged. Nothing else differs.
"""
from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from brochure.build import run  # noqa: E402
from brochure.commands import cli  # noqa: E402


def main() -> int:
    wanted, argv = sys.argv[1].split(","), sys.argv[2:]
    select = run.select
    run.select = lambda editions, languages=None: select(editions, languages, wanted)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
