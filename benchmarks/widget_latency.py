"""Time every demo's redraw per slider move: median and worst of N moves per control.

Run: .venv/bin/python benchmarks/widget_latency.py [moves]
Target on the 2-core course machine: median <= 100 ms, worst <= 300 ms.
A "move" sets the control's value and waits for the new PNG in the Image.
"""

import statistics
import sys
import time
from pathlib import Path

import ipywidgets as widgets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_widgets import DEMOS, controls_of  # noqa: E402  (one discovery rule for tests and benchmark)


def positions(control, moves):
    """``moves`` values spread over the control's range (for a dropdown: option indices, cycling)."""
    if hasattr(control, "options"):
        return [(i + 1) % len(control.options) for i in range(moves)]
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base ** (control.min + (i + 1) / (moves + 1) * (control.max - control.min))
                for i in range(moves)]
    values = [control.min + (i + 1) / (moves + 1) * (control.max - control.min) for i in range(moves)]
    return [int(round(v)) for v in values] if isinstance(control.value, int) else values


def main(moves=20):
    target_median, target_worst = 100.0, 300.0
    print(f"{'demo':32} {'control':16} {'median ms':>10} {'worst ms':>10}  ok")
    all_ok = True
    for param in DEMOS:
        demo = param.values[0]
        root = demo()
        for control in controls_of(root):
            times = []
            for value in positions(control, moves):
                start = time.perf_counter()
                if hasattr(control, "options"):
                    control.index = value  # options may be (label, value) pairs
                else:
                    control.value = value
                times.append((time.perf_counter() - start) * 1000)
            median, worst = statistics.median(times), max(times)
            ok = median <= target_median and worst <= target_worst
            all_ok &= ok
            print(f"{param.id:32} {control.description[:16]:16} {median:10.1f} {worst:10.1f}  {'yes' if ok else 'NO'}")
    print(f"target: median <= {target_median:.0f} ms, worst <= {target_worst:.0f} ms:",
          "met" if all_ok else "NOT met")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
