"""Jinja2 templates: a KB's own templates/ first, then the ones pmops ships."""

from __future__ import annotations

from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jinja2 import BaseLoader, Environment

PACKAGE_DIR = Path(__file__).parent / "templates"  # inside the wheel
SOURCE_DIR = Path(__file__).resolve().parents[2] / "templates"  # a source checkout / editable install


def search_path(kb_root: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins."""
    candidates = [kb_root / "templates"] if kb_root else []
    candidates += [PACKAGE_DIR, SOURCE_DIR]
    return [p for p in candidates if p.is_dir()]


def _kb_loader(kb_root: Path) -> BaseLoader:
    """The KB's own templates/, read as every KB file is (store.read_file): a template that is
    a link out of the KB (`insight.md.j2 -> ~/.ssh/id_rsa`) is refused, never rendered into a
    document and committed."""
    import os

    from jinja2 import BaseLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    from pmops import store
    from pmops.errors import DocumentError

    class KBTemplates(BaseLoader):
        def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            rel = "/".join(["templates", *split_template_path(template)])
            try:
                source = store.read_file(kb_root, rel).decode("utf-8")
            except FileNotFoundError:
                raise TemplateNotFound(template) from None
            except DocumentError as exc:
                raise ConfigError(f"{exc.path}: {exc.reason}") from None
            path = os.path.join(kb_root, rel)
            mtime = os.stat(path).st_mtime_ns

            def uptodate() -> bool:
                try:
                    return os.stat(path).st_mtime_ns == mtime
                except OSError:
                    return False

            return source, path, uptodate

    return KBTemplates()


@lru_cache(maxsize=4)
def _environment(paths: tuple[Path, ...], html: bool = False, kb_root: Path | None = None) -> Environment:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    own = kb_root is not None and kb_root / "templates" in paths
    shipped = FileSystemLoader([str(p) for p in paths if not own or p != kb_root / "templates"])
    # Sandboxed when the KB has templates of its own: they come from its repository, written by any
    # teammate. pmops' own need no guard, and the sandbox's checks are a sixth of a site page's rendering.
    # Markdown is not escaped; HTML is (user text can hold '<script>').
    env = (SandboxedEnvironment if own else Environment)(
        loader=ChoiceLoader([_kb_loader(kb_root), shipped]) if own else shipped,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        autoescape=html,
    )
    from pmops.text import kept, markdown_cell, markdown_literal

    # Text from the KB (a title) in a markdown page, shown as written: never emphasis, a link or HTML (the diff's
    # --format md escapes it by the same helpers); `md_cell` also in a table's cell (its pipes escaped).
    env.filters["md_literal"] = lambda text: markdown_literal(str(text))
    env.filters["md_cell"] = lambda text: markdown_cell(markdown_literal(str(text)))
    env.filters["kept"] = kept  # a score as the ranking keeps it, two decimals however large (never %g's 6 figures)
    return env


def render_html(template: str, kb_root: Path | None, /, **context: Any) -> str:
    """Like render, with HTML autoescaping (mark trusted markup, such as SVG charts, `|safe`)."""
    return render(template, kb_root, _html=True, **context)


def source(template: str, kb_root: Path | None) -> str | None:
    """A template's text as it is rendered (the KB's own first), or None when there is none."""
    from jinja2 import TemplateNotFound

    environment = _environment(tuple(search_path(kb_root)), True, kb_root)
    assert environment.loader is not None
    try:
        return environment.loader.get_source(environment, template)[0]
    except TemplateNotFound:
        return None


_HELD: dict[Path | None, tuple[Path, ...]] = {}  # during held(): a KB's search path, looked up once


@contextmanager
def held(kb_root: Path | None) -> Iterator[None]:
    """While many pages are rendered from the same templates (a site's build): the templates as they are when
    this begins, until it ends — not looked up again for each page, nor their files checked for a change (a
    stat of each template a page uses, at each page)."""
    paths = tuple(search_path(kb_root))
    environments = [_environment(paths, html, kb_root) for html in (False, True)]
    for env in environments:
        for key, compiled in list(env.cache.items()) if env.cache is not None else []:
            if not compiled.is_up_to_date:  # changed since it was compiled (`site serve`: between builds)
                del env.cache[key]
        env.auto_reload = False
    _HELD[kb_root] = paths
    try:
        yield
    finally:
        _HELD.pop(kb_root, None)
        for env in environments:
            env.auto_reload = True


def compile_html(kb_root: Path | None, prefixes: tuple[str, ...]) -> None:
    """The HTML templates whose names start with one of `prefixes` compiled now (once, before processes are
    forked to render pages with them); one that fails is left to the page rendering it, which says so."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    env = _environment(tuple(search_path(kb_root)), True, kb_root)
    loader = env.loader
    shipped = [each for each in (loader.loaders if isinstance(loader, ChoiceLoader) else [loader])
               if isinstance(each, FileSystemLoader)]  # fmt: skip
    for name in shipped[0].list_templates() if shipped else []:  # (the KB's own of the same name first)
        if name.startswith(prefixes):
            with suppress(Exception):
                env.get_template(name)


def render(template: str, kb_root: Path | None, /, _html: bool = False, **context: Any) -> str:
    from jinja2 import TemplateError, TemplateNotFound

    paths = _HELD.get(kb_root) or tuple(search_path(kb_root))
    try:
        return _environment(paths, _html, kb_root).get_template(template).render(**context)
    except ConfigError:
        raise
    except TemplateNotFound:
        raise ConfigError(
            f"template '{template}' not found in {', '.join(map(str, paths)) or 'any templates folder'}"
        ) from None
    except TemplateError as exc:
        raise ConfigError(f"template {_where(exc, template)}: {exc}") from None
    except Exception as exc:
        raise ConfigError(f"template {_where(exc, template)} failed: {type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, template: str) -> str:
    """Where a template failed: the file and line of the innermost template in the error (a KB's own
    `site/doc-insight.html.j2` included by a shipped one), else the template rendered."""
    from jinja2 import TemplateSyntaxError

    if isinstance(exc, TemplateSyntaxError) and exc.name:
        return f"'{exc.name}', line {exc.lineno}"
    found = None
    trace = exc.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".js", ".css")) and "templates" in Path(name).parts:
            found = (name, trace.tb_lineno)
        trace = trace.tb_next
    if found is None:
        return f"'{template}'"
    path = Path(found[0])
    root = next((p for p in path.parents if p.name == "templates"), path.parent)
    shown = path.relative_to(root).as_posix()
    return f"'{shown}', line {found[1]}"
