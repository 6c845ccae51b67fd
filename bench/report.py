"""docs/benchmarks.md: each benchmark owns one `## ` section and rewrites only that."""

import re
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(section: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or add) the section headed `section` ("## Title"), leaving the others alone."""
    section = section if section.startswith("## ") else f"## {section}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{section}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.rstrip("\n") + "\n")
