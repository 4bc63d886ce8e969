"""A rebuild's folders beside the index: the one it builds in, the one it swaps out, and those a
killed rebuild left behind. Named for their process (its pid and, on Linux, when it started), so
a folder is a leftover once that process is gone."""

from __future__ import annotations

import os
import re
from pathlib import Path

# index.tmp-<pid>-<start>, index.old-<pid>-<start> (or -<pid> alone: older pmops, no /proc)
_REBUILD_FOLDER = re.compile(r"(?P<index>.+)\.(?:tmp|old)-(?P<pid>\d+)(?:-(?P<started>\d+))?")


def remove(folder: Path) -> None:
    """Remove a folder and whatever is left in it (shutil loads then: a search removes none, 2 ms of its start)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def building(index_dir: Path) -> tuple[Path, Path]:
    """(the folder this process builds a new index in, the one it moves the old index to), the
    first emptied, with the leftovers of killed rebuilds removed (each is as large as an index)."""
    me = _this_process()
    tmp = index_dir.with_name(f"{index_dir.name}.tmp-{me}")
    for leftover in leftovers(index_dir):
        remove(leftover)
    remove(tmp)
    tmp.mkdir()
    return tmp, index_dir.with_name(f"{index_dir.name}.old-{me}")


def swap(index_dir: Path, tmp: Path, old: Path) -> None:
    """The index built in `tmp` takes the place of the one in `index_dir`, which moves to `old`."""
    if index_dir.exists():
        os.replace(index_dir, old)
    os.replace(tmp, index_dir)


def leftovers(index_dir: Path) -> list[Path]:
    """Folders a rebuild that was killed left beside the index: the index it was building
    (`index.tmp-…`) or the one it was replacing (`index.old-…`). Each is named for its
    process; it is a leftover once that process is gone, or when its pid now belongs to a
    process that started later (pids are reused). The next rebuild removes them."""
    try:
        entries = list(os.scandir(index_dir.parent))
    except OSError:
        return []
    found = []
    for entry in entries:
        named = _REBUILD_FOLDER.fullmatch(entry.name)
        ours = named and named["index"] == index_dir.name and entry.is_dir(follow_symlinks=False)
        if ours and not _running(int(named["pid"]), named["started"], Path(entry.path)):
            found.append(Path(entry.path))
    return sorted(found)


def _this_process() -> str:
    """This process as a rebuild names its folders: its pid and, where the system says (Linux),
    when it started, which tells it from a later process given the same pid."""
    pid = os.getpid()
    known = _process(pid)
    return f"{pid}-{known[1]}" if known else str(pid)


def _process(pid: int) -> tuple[str, int] | None:
    """(state, start in clock ticks since boot) of a running process, from Linux's /proc; None
    when it is gone, or on a system without /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rpartition(b")")[2].split()  # the name, in parentheses, may hold spaces
        return fields[0].decode(), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _running(pid: int, started: str | None, folder: Path) -> bool:
    """Whether the process that named `folder` still runs. In doubt (a live pid on a system
    that does not say when processes started), it does: its folder is kept."""
    if pid <= 0:
        return False  # 0 and below name process groups, never a rebuild
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        pass  # another user's process: it exists
    known = _process(pid)
    if known is None:
        return _process(os.getpid()) is None  # gone meanwhile (with /proc), or no /proc to ask
    state, ticks = known
    if state in ("Z", "X"):
        return False  # killed; its parent has not collected it yet
    if started is not None:
        return int(started) == ticks
    # A folder named by pid alone: the process must have started before the folder last changed.
    try:
        with open("/proc/stat", "rb") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith(b"btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK") <= folder.stat().st_mtime + 1
    except (OSError, ValueError, StopIteration):
        return True
