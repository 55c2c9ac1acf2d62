"""Every sentence asked for by a literal key is given every value its words need, in both
languages: read from the code (not run), since a missing value is found only at the moment the
sentence is said, and a problem is said while something has already gone wrong (a KeyError
there ends the command with a traceback instead of the problem's own words).

The calls read: ``t("key", ...)`` (and ``self.t``, ``self.app.t``, ``self._t``),
``X.said("key", ...)`` (``CommandError.said(code, "key", ...)``),
``PrivateFileError.refused(path, "key", code, ...)`` (``file.reason.key``),
``CsvProblem(message, "key", ...)`` (``csv.problem.key``), ``X(..., key="key", values={...})``
and ``Notice("key", {...})``. A call that splats its values (``**values``) or builds its key
(an f-string) is not checked. A placeholder with a number's format (``{limit:,}``) must not be
given a string.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from mobitui.i18n import MESSAGES

PACKAGE = Path(__file__).resolve().parents[2] / "mobitui"

#: Names the run's catalogue is called by (``t("key")``).
CATALOGUE_NAMES = {"t", "_t"}
#: A format spec that only a number takes (``{n:,}``, ``{n:d}``, ``{x:.1f}``).
NUMBER_SPECS = set(",_dfeEgGn%xXob")


@dataclass(frozen=True)
class Use:
    """One call asking for catalogue message ``key`` with the values named ``given``."""

    where: str
    key: str
    given: frozenset[str]
    #: Values given as text (a string literal, an f-string, ``str()``/``repr()``/``visible()``).
    textual: frozenset[str]


@dataclass
class Scope:
    """What a key argument may be resolved through: the names assigned in the function (each
    assignment's value), and the module's functions (their ``return`` values)."""

    names: dict[str, list[ast.AST]]
    functions: dict[str, list[ast.AST]]


def _resolve(node: ast.AST | None, scope: Scope | None = None, depth: int = 0) -> list[str]:
    """The key(s) a key argument can be: a literal, either branch of ``a if c else b``, a
    local name every assignment of which is such, or a call of a module function every
    ``return`` of which is such (empty: not known from the code)."""
    if depth > 4:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _resolve(node.body, scope, depth), _resolve(node.orelse, scope, depth)
        return body + orelse if body and orelse else []
    sources: list[ast.AST] = []
    if scope is not None and isinstance(node, ast.Name):
        sources = scope.names.get(node.id, [])
    if scope is not None and isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        sources = scope.functions.get(node.func.id, [])
    found: list[str] = []
    for source in sources:
        keys = _resolve(source, scope, depth + 1)
        if not keys:
            return []
        found += keys
    return found


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in {"str", "repr", "visible"}
    return False


def _from_keywords(
    keywords: list[ast.keyword], drop: set[str], scope: Scope | None = None
) -> dict[str, ast.AST] | None:
    """The values named by keywords (None: some are splatted, ``**values``, from anything but
    a local name assigned once, a dict display)."""
    found: dict[str, ast.AST] = {}
    for k in keywords:
        if k.arg is not None:
            found[k.arg] = k.value
            continue
        sources = scope.names.get(k.value.id, []) if scope and isinstance(k.value, ast.Name) else []
        splatted = _from_dict(sources[0]) if len(sources) == 1 else None
        if splatted is None:
            return None
        found.update(splatted)
    return {name: value for name, value in found.items() if name not in drop}


def _from_dict(node: ast.AST | None) -> dict[str, ast.AST] | None:
    """The values of a dict display (None: not a display of literal keys)."""
    if node is None:
        return {}
    if not isinstance(node, ast.Dict):
        return None
    found: dict[str, ast.AST] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None  # ``**other`` or a computed key
        found[key.value] = value
    return found


def _func_name(func: ast.AST) -> tuple[str | None, str | None]:
    """(the called name, the name of what it is called on) of ``f()`` / ``X.f()``."""
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        owner = func.value
        on = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        return func.attr, on
    return None, None


def _uses_in(call: ast.Call, scope: Scope) -> list[tuple[str, dict[str, ast.AST]]]:
    """The (key, values) one call asks for; none when it is not such a call or not checkable."""
    name, on = _func_name(call.func)
    args = call.args
    keys: list[str] = []
    values: dict[str, ast.AST] | None = None

    def _literal(node: ast.AST | None) -> list[str]:
        return _resolve(node, scope)

    if name == "of" and on is not None and on.endswith("Error") and args:
        # ``LocalProblem.of(failure, where="problem.file")``: ``said(where, problem=failure)``
        keys = _literal(args[1]) if len(args) > 1 else ["problem.file"]
        values = {"problem": args[0]}
    elif name in CATALOGUE_NAMES and args:
        keys, values = _literal(args[0]), _from_keywords(call.keywords, set(), scope)
    elif name == "said" and args:
        at = 1 if on == "CommandError" else 0
        if len(args) > at:
            keys, values = _literal(args[at]), _from_keywords(call.keywords, set(), scope)
    elif name == "refused" and len(args) > 1:
        keys = [f"file.reason.{k}" for k in _literal(args[1])]
        values = _from_keywords(call.keywords, {"action"}, scope)
    elif name == "CsvProblem" and len(args) > 1:
        keys = [f"csv.problem.{k}" for k in _literal(args[1])]
        values = _from_keywords(call.keywords, set(), scope)
    elif name == "Notice" and args:
        keys, values = _literal(args[0]), _from_dict(args[1] if len(args) > 1 else None)
    else:
        by_name = {k.arg: k.value for k in call.keywords if k.arg is not None}
        if "key" in by_name:
            keys, values = _literal(by_name["key"]), _from_dict(by_name.get("values"))
    if values is None:
        return []
    return [(key, values) for key in keys]


def _assigned(function: ast.AST) -> dict[str, list[ast.AST]]:
    names: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
                else:  # unpacked, or an attribute: not a value the reader can follow
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            names.setdefault(name.id, []).append(ast.Constant(None))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id, []).append(node.value or ast.Constant(None))
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.withitem):
            target = node.optional_vars if isinstance(node, ast.withitem) else node.target
            for name in ast.walk(target) if target is not None else ():
                if isinstance(name, ast.Name):
                    names.setdefault(name.id, []).append(ast.Constant(None))
        elif isinstance(node, ast.arg):  # a parameter: any value
            names.setdefault(node.arg, []).append(ast.Constant(None))
    return names


def _calls(tree: ast.Module) -> list[tuple[ast.Call, dict[str, list[ast.AST]]]]:
    """Every call, with the names assigned in its (innermost) function."""
    found: list[tuple[ast.Call, dict[str, list[ast.AST]]]] = []

    def visit(node: ast.AST, names: dict[str, list[ast.AST]]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, _assigned(child))
                continue
            if isinstance(child, ast.Call):
                found.append((child, names))
            visit(child, names)

    visit(tree, {})
    return found


def _uses_of(source: str, name: str) -> list[Use]:
    """The uses of the catalogue in one module's ``source``."""
    tree = ast.parse(source, filename=name)
    functions = {
        node.name: [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    uses = []
    for call, names in _calls(tree):
        for key, values in _uses_in(call, Scope(names, functions)):
            textual = frozenset(n for n, v in values.items() if _is_text(v))
            uses.append(Use(f"{name}:{call.lineno}", key, frozenset(values), textual))
    return uses


def _code_uses() -> list[Use]:
    uses = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name != "i18n":
            name = str(path.relative_to(PACKAGE.parent))
            uses += _uses_of(path.read_text(encoding="utf-8"), name)
    return uses


USES = _code_uses()


def _fields(text: str) -> dict[str, str]:
    """Each placeholder's root name and its format spec."""
    found: dict[str, str] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is not None:  # "" is a positional ``{}``: never given by keyword
            found[name.split(".")[0].split("[")[0]] = spec or ""
    return found


def _wrong(use: Use) -> list[str]:
    """What is wrong with ``use``: a key the catalogue lacks, a value its words need that is
    not given, a number's format given text."""
    if use.key not in MESSAGES:
        return [f"{use.where}: no message {use.key!r}"]
    wrong = []
    for lang, text in zip(("ja", "en"), MESSAGES[use.key], strict=True):
        fields = _fields(text)
        if any(name == "" or name[0].isdigit() for name in fields):
            wrong.append(f"{use.where}: {use.key} ({lang}) has a positional placeholder")
        missing = set(fields) - use.given
        if missing:
            wrong.append(f"{use.where}: {use.key} ({lang}) needs {sorted(missing)}")
        if not use.given and ("{{" in text or "}}" in text):
            # Said without values, the words are shown as written: ``{{`` would stay doubled.
            wrong.append(f"{use.where}: {use.key} ({lang}) is shown with its braces doubled")
        for name, spec in fields.items():
            if spec and spec[-1] in NUMBER_SPECS and name in use.textual:
                wrong.append(f"{use.where}: {use.key} ({lang}) formats {name} ({spec!r}) as text")
    return wrong


def test_the_reader_finds_the_calls() -> None:
    """The walk sees each shape of call (else the checks below would pass on nothing)."""
    keys = {use.key for use in USES}
    assert len(USES) > 500
    assert {
        "file.reason.symlink",  # PrivateFileError.refused
        "file.reason.writable_by_group",  # refused(path, _who(mode), ...): a function's returns
        "csv.problem.too_wide",  # CsvProblem
        "serve.unsafe.demo_accounts",  # UnsafeBindError(key=, values=)
        "setup.theme_unknown",  # Notice
        "cli.operator",  # CommandError.said
        "cli.config.no_profile_yet",  # ConfigError.said(key, ...): key = "a" if c else "b"
        "cli.auth.logged_in",  # t("key", **where): where = {...}
        "toml.at",  # kind.said
        "problem.journal_dir",  # JournalError.of(exc, "problem.journal_dir")
    } <= keys


BROKEN = """
def _who(mode):
    return "writable_by_group" if mode else "writable_by_others"

def f(t, path, exc, n):
    t("file.cannot.read", path=path)
    key = "cli.config.no_profile" if n else "cli.config.no_profile_yet"
    ConfigError.said(key, wanted="x", origin="")
    CommandError.said(ExitCode.USAGE, "cli.operator")
    PrivateFileError.refused(path, _who(n), 1, action="write", mode="0777")
    CsvProblem("too wide", "too_wide", line=3, most=f"{n}")
    Notice("setup.theme_unknown", {"path": path})
    JournalError.of(exc, "no.such.key")
    t("csv.import.done", **{"count": 1})
"""


def test_the_reader_finds_what_is_wrong() -> None:
    """Calls made wrong on purpose, each shape once, are each found (one splat is skipped)."""
    wrong = [line for use in _uses_of(BROKEN, "broken.py") for line in _wrong(use)]
    said = "\n".join(wrong)
    assert "file.cannot.read (ja) needs ['why']" in said
    assert "cli.config.no_profile (ja) needs ['known']" in said
    assert "cli.operator (en) needs ['name']" in said
    assert "file.reason.writable_by_group (ja) needs ['path']" in said
    assert "file.reason.writable_by_others (en) needs ['path']" in said
    assert "setup.theme_unknown (ja) needs ['name']" in said
    assert "no message 'no.such.key'" in said
    assert all("csv.import.done" not in line for line in wrong)
    if any(spec for _, _, spec, _ in string.Formatter().parse(MESSAGES["csv.problem.too_wide"][0])):
        assert "csv.problem.too_wide (ja) formats most" in said


@pytest.mark.parametrize("use", USES, ids=lambda use: f"{use.where}:{use.key}")
def test_every_value_a_sentence_needs_is_given(use: Use) -> None:
    assert _wrong(use) == []


@pytest.mark.parametrize(
    ("family", "given"),
    [
        # present.errors says these from a key it builds: with exactly these values.
        ("file.cannot.", {"path", "why"}),
        ("file.errno.", {"name", "text"} | set()),
        ("csv.problem.disagree", {"columns", "silent"}),
        ("csv.problem.named_matches_nothing", {"columns", "silent"}),
    ],
)
def test_the_sentences_said_from_a_built_key_need_only_what_is_given(
    family: str, given: set[str]
) -> None:
    keys = [key for key in MESSAGES if key.startswith(family)]
    assert keys
    for key in keys:
        for text in MESSAGES[key]:
            assert set(_fields(text)) <= given, key
