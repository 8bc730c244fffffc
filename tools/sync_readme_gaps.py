"""Copy FakeHub's gap list (flame_hub/testing/GAPS.md) into the README's FakeHub section.

The README must list every rule FakeHub does not honour; GAPS.md is where FakeHub's developers keep that
list next to the code. Run after editing GAPS.md; tests/docs/test_doc_claims.py fails while they differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- gaps:start -->", "<!-- gaps:end -->"


def gaps_section() -> str:
    """GAPS.md without its title, its headings demoted below the README's FakeHub section."""
    text = (ROOT / "flame_hub" / "testing" / "GAPS.md").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1].strip()
    body = re.sub(r"^## ", "#### ", body, flags=re.MULTILINE)
    return f"{START}\n{body}\n{END}"


def synced(readme: str) -> str:
    """The README with its gap section replaced by the current GAPS.md."""
    if START in readme:
        return re.sub(
            re.escape(START) + r".*?" + re.escape(END), lambda _: gaps_section(), readme, flags=re.DOTALL
        )
    return readme.replace("GAPS_PLACEHOLDER", gaps_section())


def main() -> int:
    path = ROOT / "README.md"
    path.write_text(synced(path.read_text(encoding="utf-8")), encoding="utf-8")
    print("README.md gap section synced with flame_hub/testing/GAPS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
