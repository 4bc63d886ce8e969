"""pmops.standins: a module an importer loads for a function it rarely calls is a stand-in until
something of it is used; then, and for everyone after, it is the real module."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()


def test_a_stand_in_loads_the_real_module_on_first_use_and_only_then() -> None:
    code = (
        "import sys, types\n"
        "from pmops import standins\n"
        "name = 'wave'\n"  # a standard module nothing here loads
        "importer = types.ModuleType('importer')\n"
        "with standins.standing_in({name: ('open',)}):\n"
        "    exec(f'import {name}\\nfrom {name} import open as taken', importer.__dict__)\n"
        "print(name in sys.modules, isinstance(importer.wave, standins.StandIn))\n"
        "print(importer.wave.Error.__module__)\n"  # a name read of the stand-in: the real module loads
        "import wave\n"
        "print(type(wave).__name__, wave is not importer.wave, importer.taken.__name__)\n"
        "print(importer.taken is not wave.open, callable(importer.taken))\n"
    )
    assert _run(code) == ["False True", "wave", "module True forward", "True True"]


def test_a_function_taken_by_name_forwards_to_the_real_one() -> None:
    code = (
        "from pmops import standins\n"
        "with standins.standing_in({'colorsys': ('rgb_to_hsv',)}):\n"
        "    from colorsys import rgb_to_hsv\n"
        "import sys\n"
        "print('colorsys' in sys.modules)\n"
        "print(rgb_to_hsv(1.0, 0.0, 0.0), 'colorsys' in sys.modules)\n"
    )
    assert _run(code) == ["False", "(0.0, 1.0, 1.0) True"]


def test_what_the_import_system_asks_of_a_stand_in_loads_nothing_and_a_loaded_module_is_left_alone() -> None:
    code = (
        "import sys, json\n"
        "from pmops import standins\n"
        "with standins.standing_in({'json': (), 'tabnanny': ()}):\n"
        "    print(sys.modules['json'] is json, hasattr(sys.modules['tabnanny'], '__path__'))\n"
        "print('tabnanny' in sys.modules)\n"
    )
    assert _run(code) == ["True False", "False"]


def test_pmops_loads_dataclasses_and_pathlib_without_what_they_take_for_one_function() -> None:
    """inspect loads when a class without a docstring asks for one (from Python 3.12, dataclasses asks inspect for
    every class's annotations: with the first); urllib.parse with a file's URI."""
    code = (
        "import sys\n"
        "import pmops\n"
        "from dataclasses import dataclass\n"
        "from pathlib import Path\n"
        '@dataclass\nclass Said:\n    """Has one."""\n    a: int\n'
        "print([m for m in ('inspect', 'urllib.parse') if m in sys.modules])\n"
        "@dataclass\nclass Unsaid:\n    a: int\n"
        "print('inspect' in sys.modules, Unsaid.__doc__)\n"
        "print(Path('/a b').as_uri(), 'urllib.parse' in sys.modules)\n"
    )
    asked = "['inspect']" if sys.version_info >= (3, 12) else "[]"
    assert _run(code) == [asked, "True Unsaid(a: int)", "file:///a%20b True"]
