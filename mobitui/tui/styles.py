"""Where the stylesheets are, by one rule.

The stylesheets are the top-level ``styles/`` folder of the source tree, one file per concern.
A wheel carries that folder inside the package as ``mobitui/styles`` (``pyproject.toml``
force-includes it), so the rule is: the package's own ``styles`` folder when the package has
one (an installed wheel), else the source tree's, beside the package (a checkout or an
editable install). Nothing else is searched: a folder that is missing fails at start, naming
the path it expected, rather than running without styles.
"""

from __future__ import annotations

from pathlib import Path

#: In cascade order: what every screen shares first, then one file per screen.
STYLESHEETS = (
    "app.tcss",
    "main.tcss",
    "dialogs.tcss",
    "checklist.tcss",
    "requests.tcss",
    "retirement.tcss",
)


def styles_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    installed = package / "styles"
    return installed if installed.is_dir() else package.parent / "styles"


def stylesheets() -> list[str]:
    folder = styles_dir()
    paths = [folder / name for name in STYLESHEETS]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"mobitui's stylesheets are missing: {', '.join(missing)}")
    return [str(path) for path in paths]
