"""The pages listed in the book's table of contents (``_toc.yml``), for the build checks."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files(root=ROOT) -> set[str]:
    """Every ``file:`` entry of ``_toc.yml`` (and its root), as written there (no suffix)."""
    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections", []))
            yield from walk(entry.get("chapters", []))

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    return {toc["root"], *walk(toc.get("parts", []))}
