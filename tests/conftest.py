"""Make the build tooling in tools/ importable by the tests (it is not a test module)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
