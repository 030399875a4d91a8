"""Make the default theme's fonts from Inter: the web subsets and the card TTFs.

A one-off developer step, not part of a build: its output is committed. It needs npm and
fontTools with brotli, which the project does not depend on, so run it in a scratch
environment:

    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools brotli
    /tmp/fontvenv/bin/python scripts/fonts.py

It fetches the `inter-ui` npm package (Inter 4.1 by its author, SIL OFL 1.1, no reserved
font name, so subsets may keep the name), checks the tarball against the pinned digest and
writes, each with the licence next to it:

- themes/default/static/fonts/inter-latin.woff2 and inter-latin-ext.woff2: the variable
  font cut to weights 400-700 at the text optical size, split by unicode-range so a page
  downloads the latin-ext file only when it uses one of its characters;
- themes/default/cards/fonts/Inter-Regular.ttf and Inter-Bold.ttf: the static fonts for
  resvg (which reads TrueType, not WOFF2), with Latin, Greek, Cyrillic and the symbols the
  theme draws. tests/test_cards.py checks generator.render.cards.text_width against their
  advance widths.

The same tarball and fontTools version give the same bytes: timestamps are not recalculated.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

PACKAGE = "inter-ui@4.1.1"
INTEGRITY = ("sha512-451h0J29HyOmA+JXgSi/6M12tL7ZCZ8arYKZUXiOXTJpJbAKqJvFh3k5SiV3x7tKe0C0KyrKUUiQ"
             "IvvZ2PQDcA==")  # as `npm view inter-ui@4.1.1 dist.integrity` gives it
ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "themes" / "default"

# The characters the theme and the demo use beyond ASCII are all here: · – — ’ “ ” … ← →
# ↓ ↳ ≥ ± ▲ ▼ ○ ✓ and NBSP. ◐ is not in Inter; the CSS fallback stack draws it.
LATIN = ("U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,"
         "U+0329,U+2000-206F,U+20AC,U+2122,U+2190-2193,U+21B3,U+2212,U+2215,U+2264-2265,"
         "U+25B2,U+25BC,U+25CB,U+2713,U+2717,U+FEFF,U+FFFD")
LATIN_EXT = ("U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+1D00-1DBF,"
             "U+1E00-1E9F,U+1EF2-1EFF,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF")
# Cards: every script Inter draws that a company or milestone name is likely to use, and
# the symbols the card templates and titles may hold.
CARDS = ("U+0020-007E,U+00A0-024F,U+0259,U+02BB-02BC,U+02C6-02DD,U+0300-036F,U+0370-03FF,"
         "U+0400-04FF,U+1E00-1FFF,U+2000-206F,U+20A0-20C0,U+2100-214F,U+2190-21FF,"
         "U+2212,U+2215,U+2264-2265,U+25B2,U+25BC,U+25CB,U+2713,U+2717,U+FFFD")


def unicodes(ranges: str) -> list[int]:
    """The code points of a CSS unicode-range list."""
    found: list[int] = []
    for part in ranges.split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        found += range(int(first, 16), int(last or first, 16) + 1)
    return found


def cut(font: TTFont, ranges: str) -> TTFont:
    """`font` with only the glyphs for `ranges`, unhinted, keeping tabular figures."""
    options = subset.Options()
    options.layout_features += ["tnum"]  # the theme's figures use font-variant-numeric
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes(ranges))
    subsetter.subset(font)
    font.recalcTimestamp = False  # the same input gives the same bytes
    return font


def save(font: TTFont, path: Path, flavor: str | None) -> None:
    font.flavor = flavor
    font.recalcTimestamp = False
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


def fetch(into: Path) -> Path:
    """The unpacked npm package, after checking its digest."""
    subprocess.run(["npm", "pack", "--silent", PACKAGE], cwd=into, check=True,
                   stdout=subprocess.DEVNULL)
    [tarball] = into.glob("*.tgz")
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != INTEGRITY:
        sys.exit(f"{PACKAGE}: unexpected digest {digest}")
    with tarfile.open(tarball) as archive:
        archive.extractall(into, filter="data")
    return into / "package"


def web_font(package: Path, ranges: str, path: Path) -> None:
    font = cut(TTFont(package / "variable" / "InterVariable.woff2"), ranges)
    buffer = io.BytesIO()  # instancing a freshly cut font trips on glyphs it dropped
    font.save(buffer)
    buffer.seek(0)
    font = instancer.instantiateVariableFont(TTFont(buffer), {"opsz": 14, "wght": (400, 700)})
    save(font, path, "woff2")


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        package = fetch(Path(temp))
        static, cards = THEME / "static" / "fonts", THEME / "cards" / "fonts"
        web_font(package, LATIN, static / "inter-latin.woff2")
        web_font(package, LATIN_EXT, static / "inter-latin-ext.woff2")
        for style in ("Regular", "Bold"):
            font = cut(TTFont(package / "web" / f"Inter-{style}.woff2"), CARDS)
            save(font, cards / f"Inter-{style}.ttf", None)
        for folder in (static, cards):
            shutil.copyfile(package / "LICENSE.txt", folder / "LICENSE.txt")


if __name__ == "__main__":
    main()
