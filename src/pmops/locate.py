"""Finding a knowledge base: its root folder, from the --kb option, $PMOPS_KB or the folders above.

Kept apart from pmops.config, which loads YAML: the command line finds the KB (and starts
`git status` there) before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from pmops.errors import KBNotFound

FILENAME = "pmops.yaml"
ENV_KB = "PMOPS_KB"


def find_root(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
    """The KB root, in this order:

    1. `explicit` (the --kb option), checked alone;
    2. the PMOPS_KB environment variable, checked alone;
    3. the current folder or the nearest parent holding pmops.yaml.
    """
    for given, origin in ((explicit, "--kb"), (os.environ.get(ENV_KB) or None, ENV_KB)):
        if given is not None:
            root = Path(given).expanduser().resolve()
            if not (root / FILENAME).is_file():
                raise KBNotFound(
                    f"no knowledge base at {given} (from {origin}): {FILENAME} not found",
                    hint="run 'pmops init DIR' to create one",
                )
            return root
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / FILENAME).is_file():
            return folder
    raise KBNotFound(
        f"no knowledge base found in {start} or a parent folder",
        hint="run 'pmops init DIR', or pass --kb PATH / set PMOPS_KB",
    )
