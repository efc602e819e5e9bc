"""The house order, kept by reading the source with ``ast`` (nothing is imported).

* Apps import only apps below them. The order is the layout block of
  ``docs/architecture.md``, lowest first: a rename or a new app is a doc edit.
  Module-level and function-level imports count; migrations and the project
  files on top (settings, urls, asgi, wsgi) are exempt.
* Every import inside a function gives a reason from the list in
  ``docs/conventions.md``: ``# noqa: PLC0415 -- <reason>``.
* No source module is longer than ``MAX_LINES`` lines (migrations excepted).
* The layout block of ``docs/architecture.md`` lists exactly the directories of
  ``src/ocop``.

Each rule has an allowlist of today's exceptions with the work that removes
them. An allowlist can only shrink: an entry that no longer matches the code
fails the test, so that it is deleted.

To see the order test fail, add ``from ocop.stamps import models`` to
``src/ocop/core/text.py`` and run ``pytest tests/test_architecture.py``: it
prints ``src/ocop/core/text.py:LINE imports ocop.stamps (core is below stamps)``.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ocop"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CONVENTIONS = ROOT / "docs" / "conventions.md"

# Directories of src/ocop that are not apps: they hold no code that imports an
# app (settings name apps as strings) and are not ranked.
NOT_APPS = ("settings", "templates", "static", "formats")
# Project files on top of every app: they may import anything.
TOP_MODULES = ("urls", "asgi", "wsgi", "settings")

# Upward imports that exist today, by importing module and imported app, with
# the work that removes each. Delete an entry when its import is gone (the
# test says which).
PART_1 = "issue 15 part 1: the site shell takes navigation, dashboard and demo data"
PART_3 = "issue 15 part 3: the registry import/export leaves products"
PART_4 = "issue 15 part 4: clone detection moves to inspections"
FOLLOW_UP = "follow-up: no part of issue 15 removes it"
KNOWN_VIOLATIONS = {
    # The role-assignment form offers the subjects in the assigner's scope.
    "src/ocop/accounts/forms.py": ("producers", FOLLOW_UP),
    # The subject page lists the subject's products.
    "src/ocop/producers/views.py": ("products", FOLLOW_UP),
    # The sheet list marks the sheets used by a session's agenda.
    "src/ocop/criteria/views.py": ("evaluation", FOLLOW_UP),
}

# Function-level imports without a reason from the list today, by module and
# imported module, with the work that touches them.
PART_2 = "issue 15 part 2: the spreadsheet kit replaces escape_cell and the openpyxl imports"
PART_6 = "issue 15 part 6 rewrites the module (evaluation decoupled)"
WORKFLOW = "issue 15 part 5 rewrites the module (one workflow engine)"
KNOWN_BAD_REASONS = {
    ("src/ocop/evaluation/views.py", "ocop.criteria"): PART_6,
}
# `circular import` is an accepted reason but a smell: the code usually sits in
# the wrong layer. Their number may not grow; lower it when it falls.
CIRCULAR_IMPORTS_AT_MOST = 9

MAX_LINES = 700
# Modules over MAX_LINES today, with the work that splits them.
KNOWN_LONG_MODULES = {}

# Directories the layout block lists that other branches of issue 15 create.
# Delete an entry once the directory exists.
AWAITING_MERGE = {}


# -- reading the source -------------------------------------------------------


@dataclass(frozen=True)
class Import:
    line: int
    end_line: int
    module: str  # absolute, e.g. "ocop.stamps.domain.links"
    in_function: bool


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    app: str
    target: str

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.module} ({self.app} is below {self.target})"


def module_name(path: str) -> tuple[str, bool]:
    """``src/ocop/a/b.py`` → ("ocop.a.b", False); ``…/__init__.py`` → package."""
    parts = Path(path).with_suffix("").parts
    parts = parts[parts.index("ocop") :]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def imports_of(path: str, text: str) -> list[Import]:
    """Every import statement of a module, relative ones made absolute."""
    name, is_package = module_name(path)
    package = name.split(".") if is_package else name.split(".")[:-1]
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend(
                    Import(child.lineno, child.end_lineno, alias.name, in_function)
                    for alias in child.names
                )
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                    module = ".".join([*base, child.module] if child.module else base)
                else:
                    module = child.module or ""
                if module == "ocop":  # from ocop import stamps
                    found.extend(
                        Import(child.lineno, child.end_lineno, f"ocop.{alias.name}", in_function)
                        for alias in child.names
                    )
                else:
                    found.append(Import(child.lineno, child.end_lineno, module, in_function))
            visit(child, nested)

    visit(ast.parse(text, filename=path), False)
    return found


def source_files() -> dict[str, str]:
    """``src/ocop`` modules outside migrations, by path relative to the repository."""
    return {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.relative_to(SRC).parts
    }


def app_of(path: str) -> str | None:
    """The top-level package of ``src/ocop`` holding a module; None for the
    project files on top (``urls.py`` …, ``settings/``)."""
    parts = Path(path).parts
    parts = parts[parts.index("ocop") + 1 :]
    if len(parts) == 1 or parts[0] in TOP_MODULES:
        return None
    return parts[0]


def upward_imports(sources: dict[str, str], order: list[str]) -> list[Violation]:
    """Imports of an app from an app above it (or from the project files on
    top), in ``sources`` ({path: text}). ``order`` lists the apps lowest first."""
    rank = {app: i for i, app in enumerate(order)}
    top = len(order)
    violations = []
    for path, text in sources.items():
        app = app_of(path)
        if app not in rank:
            continue  # project files; an unlisted app is the layout test's business
        for imp in imports_of(path, text):
            parts = imp.module.split(".")
            if parts[0] != "ocop" or len(parts) < 2 or parts[1] == app:
                continue
            target = parts[1]
            target_rank = top if target in TOP_MODULES else rank.get(target)
            if target_rank is not None and target_rank > rank[app]:
                violations.append(Violation(path, imp.line, imp.module, app, target))
    return violations


def layout_block() -> list[str]:
    """The first fenced block after the ``## Layout`` heading of architecture.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1]
    return section.split("```", 2)[1].splitlines()[1:]


def layout_entries() -> list[str]:
    """What the layout block lists under ``src/ocop/``, lowest first: the first
    word of each line indented by two spaces, a directory as ``name/`` (its
    first path segment), a file as ``name.py``. Deeper indents continue the
    description of the line above."""
    lines = layout_block()
    start = next(i for i, line in enumerate(lines) if line.startswith("src/ocop/"))
    entries = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if line.startswith("   "):
            continue
        word = line.split()[0]
        entries.append(word.split("/")[0] + "/" if "/" in word else word)
    return entries


def app_order() -> list[str]:
    """The apps in the layout block, lowest first."""
    return [
        entry[:-1]
        for entry in layout_entries()
        if entry.endswith("/") and entry[:-1] not in NOT_APPS
    ]


def allowed_reasons() -> list[str]:
    """The reasons docs/conventions.md accepts for a function-level import."""
    text = CONVENTIONS.read_text(encoding="utf-8")
    sentence = re.search(r"allowed only with a reason from this list:([^\n]*)", text)
    assert sentence, "docs/conventions.md no longer lists the reasons for function-level imports"
    return re.findall(r"`([^`]+)`", sentence.group(1))


NOQA = re.compile(r"#\s*noqa:\s*PLC0415\s*(?:--\s*(?P<reason>.*))?$")


def reason_of(lines: list[str], imp: Import) -> str | None:
    """The reason written after ``# noqa: PLC0415 --`` on the statement's lines."""
    for line in lines[imp.line - 1 : imp.end_line]:
        match = NOQA.search(line)
        if match:
            return (match.group("reason") or "").strip()
    return None


def reason_is_allowed(reason: str | None, reasons: list[str]) -> bool:
    """One reason of the list, alone or followed by a note after , ; : or (."""
    return reason is not None and any(
        re.fullmatch(rf"{re.escape(allowed)}(?:\s*[,;:(].*)?", reason) for allowed in reasons
    )


def function_level_imports(sources: dict[str, str]):
    """(path, import, reason) for every import inside a function or method."""
    for path, text in sources.items():
        lines = text.splitlines()
        for imp in imports_of(path, text):
            if imp.in_function:
                yield path, imp, reason_of(lines, imp)


# -- the house order ----------------------------------------------------------


def test_core_is_the_lowest_app():
    assert app_order()[0] == "core"


def test_no_upward_import():
    known = {(path, app) for path, (apps, _) in KNOWN_VIOLATIONS.items() for app in apps.split()}
    new = [
        v for v in upward_imports(source_files(), app_order()) if (v.path, v.target) not in known
    ]
    assert not new, (
        "Upward imports (apps in docs/architecture.md's layout block, lowest first):\n"
        + "\n".join(map(str, new))
    )


def test_known_violations_still_exist():
    """The allowlist only shrinks: a removed upward import leaves its entry."""
    found = {(v.path, v.target) for v in upward_imports(source_files(), app_order())}
    gone = [
        f"{path} → {app} ({why})"
        for path, (apps, why) in KNOWN_VIOLATIONS.items()
        for app in apps.split()
        if (path, app) not in found
    ]
    assert not gone, "Remove from KNOWN_VIOLATIONS (fixed):\n" + "\n".join(gone)


def test_the_checker_reports_an_upward_import():
    order = ["core", "geo", "stamps"]
    sources = {
        "src/ocop/core/text.py": "from ocop.stamps import models\n",
        "src/ocop/core/pdf.py": "def render():\n    from ocop.geo.models import AdminUnit\n",
        "src/ocop/geo/domain/queries.py": "from ...stamps.domain import links\nimport ocop.urls\n",
        "src/ocop/geo/models.py": "from ocop import stamps, core\nfrom ocop.core.text import x\n",
        "src/ocop/stamps/views.py": "from ocop.geo import models\nfrom .models import S\n",
        "src/ocop/urls.py": "from ocop.stamps import views\n",
        "src/ocop/settings/base.py": "from ocop.stamps import views\n",
    }
    assert [str(v) for v in upward_imports(sources, order)] == [
        "src/ocop/core/text.py:1 imports ocop.stamps (core is below stamps)",
        "src/ocop/core/pdf.py:2 imports ocop.geo.models (core is below geo)",
        "src/ocop/geo/domain/queries.py:1 imports ocop.stamps.domain (geo is below stamps)",
        "src/ocop/geo/domain/queries.py:2 imports ocop.urls (geo is below urls)",
        "src/ocop/geo/models.py:1 imports ocop.stamps (geo is below stamps)",
    ]


# -- reasons for function-level imports --------------------------------------


def test_function_level_imports_give_a_reason_from_the_list():
    reasons = allowed_reasons()
    bad = [
        f"{path}:{imp.line} imports {imp.module}: "
        + ("no `# noqa: PLC0415 -- <reason>`" if reason is None else f"reason {reason!r}")
        for path, imp, reason in function_level_imports(source_files())
        if not reason_is_allowed(reason, reasons) and (path, imp.module) not in KNOWN_BAD_REASONS
    ]
    assert not bad, (
        f"Function-level imports need `# noqa: PLC0415 -- <reason>`, one of {reasons}:\n"
        + "\n".join(bad)
    )


def test_known_bad_reasons_still_exist():
    reasons = allowed_reasons()
    found = {
        (path, imp.module)
        for path, imp, reason in function_level_imports(source_files())
        if not reason_is_allowed(reason, reasons)
    }
    gone = [
        f"{path}: {module} ({why})"
        for (path, module), why in KNOWN_BAD_REASONS.items()
        if (path, module) not in found
    ]
    assert not gone, "Remove from KNOWN_BAD_REASONS (fixed):\n" + "\n".join(gone)


def test_circular_import_reasons_do_not_grow():
    circular = [
        f"{path}:{imp.line} imports {imp.module}"
        for path, imp, reason in function_level_imports(source_files())
        if reason_is_allowed(reason, ["circular import"])
    ]
    print(f"{len(circular)} function-level imports for a circular import (a smell):")
    print("\n".join(circular))
    assert len(circular) <= CIRCULAR_IMPORTS_AT_MOST, (
        "New `circular import` reasons: move the code to the layer it belongs to.\n"
        + "\n".join(circular)
    )
    assert len(circular) == CIRCULAR_IMPORTS_AT_MOST, (
        f"Lower CIRCULAR_IMPORTS_AT_MOST to {len(circular)}."
    )


def test_the_reason_check_reads_the_comment():
    reasons = ["slow import", "leaf"]
    source = (
        "def f():\n"
        "    from weasyprint import HTML  # noqa: PLC0415 -- slow import\n"
        "    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, only here\n"
        "    from ocop.core import text  # noqa: PLC0415\n"
        "    from ocop.core import pdf  # noqa: PLC0415 -- leafy\n"
        "    from ocop.core.qr import (  # noqa: PLC0415 -- leaf\n"
        "        qr_svg,\n"
        "    )\n"
        "    import json\n"
        "class A:\n"
        "    def m(self):\n"
        "        from ocop.geo import models  # noqa: PLC0415 -- cycle\n"
        "import os\n"
    )
    checked = [
        (imp.module, reason_is_allowed(reason, reasons))
        for _, imp, reason in function_level_imports({"src/ocop/core/x.py": source})
    ]
    assert checked == [
        ("weasyprint", True),
        ("openpyxl", True),
        ("ocop.core", False),
        ("ocop.core", False),
        ("ocop.core.qr", True),
        ("json", False),
        ("ocop.geo", False),
    ]


def test_conventions_list_the_reasons():
    assert allowed_reasons() == [
        "slow import",
        "optional dependency",
        "thin method",
        "leaf",
        "predicate",
        "app ready",
        "circular import",
    ]


# -- module length ------------------------------------------------------------


def test_no_module_over_the_limit():
    long = [
        f"{path}: {text.count(chr(10))} lines"
        for path, text in source_files().items()
        if text.count("\n") > MAX_LINES and path not in KNOWN_LONG_MODULES
    ]
    assert not long, f"Modules over {MAX_LINES} lines: split them by job\n" + "\n".join(long)


def test_known_long_modules_are_still_long():
    sources = source_files()
    gone = [
        f"{path} ({why})"
        for path, why in KNOWN_LONG_MODULES.items()
        if sources.get(path, "").count("\n") <= MAX_LINES
    ]
    assert not gone, f"Remove from KNOWN_LONG_MODULES (now ≤ {MAX_LINES} lines):\n" + "\n".join(
        gone
    )


# -- the layout block of docs/architecture.md ---------------------------------


def test_layout_lists_every_app_and_directory():
    entries = layout_entries()
    assert len(entries) == len(set(entries)), "listed twice"
    listed = {entry for entry in entries if entry.endswith("/")}
    present = {f"{path.name}/" for path in SRC.iterdir() if path.is_dir()} - {"__pycache__/"}
    awaiting = {f"{name}/" for name in AWAITING_MERGE}
    assert sorted(present - listed) == [], "in src/ocop but not in the layout block"
    assert sorted(listed - present - awaiting) == [], "in the layout block but not in src/ocop"
    assert sorted(awaiting & present) == [], "remove from AWAITING_MERGE: the directory exists"
    files = [entry for entry in entries if not entry.endswith("/")]
    assert [name for name in files if not (SRC / name).is_file()] == [], "listed, not in src/ocop"


def test_layout_lists_the_project_directories_and_files():
    entries = layout_entries()
    assert {f"{name}/" for name in NOT_APPS} <= set(entries)
    assert {"urls.py", "asgi.py"} <= set(entries)
