"""Every demo in dlmath.widgets, found automatically, builds, reacts to every control and animates.

For each module ``dlmath.widgets.<topic>``: every ``*_demo()`` builds with no
arguments; moving each slider or dropdown inside it (found recursively)
changes the displayed picture without raising; every button can be clicked;
every ``*_animation()`` is shown by a lesson (the build draws it; tests/test_book.py checks it).
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

import dlmath.widgets

ROOT = Path(__file__).resolve().parents[1]

INFRASTRUCTURE = {"figure"}


def _topics():
    for info in pkgutil.iter_modules(dlmath.widgets.__path__):
        if not info.name.startswith("_") and info.name not in INFRASTRUCTURE:
            yield importlib.import_module(f"dlmath.widgets.{info.name}")


def _functions(suffix):
    found = []
    for module in _topics():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith(suffix) and fn.__module__ == module.__name__:
                found.append(pytest.param(fn, id=f"{module.__name__.rsplit('.', 1)[1]}.{name}"))
    return found


# Draw every frame here, even when `make test` skips drawing in the notebook runs (conftest.py).
pytestmark = pytest.mark.usefixtures("draw_animations")


DEMOS = _functions("_demo")
ANIMATIONS = _functions("_animation")


def walk(widget):
    """The widget and every widget inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def other_value(control):
    """A value different from the control's current one, within its range."""
    if isinstance(control, widgets.FloatLogSlider):
        exponent = control.min + 0.3 * (control.max - control.min)
        value = control.base ** exponent
        return value if abs(value - control.value) > 1e-12 else control.base ** control.max
    if hasattr(control, "options") and len(control.options) > 1:
        labels = [o[0] if isinstance(o, tuple) else o for o in control.options]
        current = control.label if hasattr(control, "label") else control.value
        return next(o for o, label in zip(control.options, labels) if label != current)
    if hasattr(control, "min") and hasattr(control, "max"):
        for fraction in (0.7, 0.3, 1.0, 0.0):
            value = control.min + fraction * (control.max - control.min)
            value = type(control.value)(value) if isinstance(control.value, int) else value
            if value != control.value:
                return value
    if isinstance(control.value, bool):
        return not control.value
    return None


def controls_of(root):
    return [w for w in walk(root) if isinstance(w, (widgets.ValueWidget,)) and not isinstance(
        w, (widgets.Image, widgets.Label, widgets.HTML, widgets.Text, widgets.Textarea))]


def images_of(root):
    return [w for w in walk(root) if isinstance(w, widgets.Image)]


def test_demos_were_found():
    assert any("descent_demo" in p.id for p in DEMOS)
    assert any("descent_animation" in p.id for p in ANIMATIONS)


@pytest.mark.parametrize("demo", DEMOS)
def test_demo_reacts_to_every_control(demo):
    root = demo()
    assert isinstance(root, widgets.Widget)
    images = images_of(root)
    assert images, "a demo shows its figure in an ipywidgets.Image"
    controls = controls_of(root)
    assert controls, "a demo has at least one slider or dropdown"
    for control in controls:
        before = [bytes(image.value) for image in images]
        new = other_value(control)
        assert new is not None, f"cannot move {type(control).__name__} {control.description!r}"
        control.value = new
        after = [bytes(image.value) for image in images]
        assert after != before, f"moving {control.description!r} did not change the picture"
        assert all(value.startswith(b"\x89PNG") for value in after)
    for button in (w for w in walk(root) if isinstance(w, widgets.Button)):
        button.click()


@pytest.mark.parametrize("demo", DEMOS)
def test_demo_is_documented_and_needs_no_arguments(demo):
    assert demo.__doc__ and demo.__doc__.strip()
    required = [p for p in inspect.signature(demo).parameters.values() if p.default is p.empty]
    assert not required


@pytest.mark.parametrize("make", ANIMATIONS)
def test_animation_is_drawn_by_a_lesson(make):
    """Each animation is drawn once per `make test`, by the build, for the lesson that shows it; the
    built page is then checked (tests/test_book.py: kernel-free HTML, frame count, weight) and
    stepped in the browser (tests/test_browser.py). So every animation must be shown by a lesson."""
    call = re.compile(rf"\b{make.__name__}\(")
    shown_by = [md.stem for md in sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md"))
                if call.search(md.read_text(encoding="utf-8"))]
    assert shown_by, f"{make.__name__} is shown by no lesson, so nothing draws and checks it"


def test_the_same_animation_gives_the_same_html():
    from dlmath.widgets.figure import animation, new_figure

    def draw():
        fig, ax = new_figure()
        (line,) = ax.plot([0, 1], [0, 0])
        return animation(fig, lambda k: line.set_ydata([0, k]), range(4)).data

    assert draw() == draw(), "element ids come from the frames' content, not a random uuid"


def test_animations_can_skip_drawing_but_still_step_every_frame(monkeypatch):
    from dlmath.widgets.figure import DRAW_ANIMATIONS, animation, new_figure

    monkeypatch.setenv(DRAW_ANIMATIONS, "0")
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 0])
    stepped = []
    html = animation(fig, lambda k: stepped.append(k) or line.set_ydata([0, k]), range(5)).data
    assert stepped == [0, 1, 2, 3, 4]
    assert "_anim_img" not in html and "5 frames, not drawn" in html
    with pytest.raises(KeyError):  # a bug in an update step still fails the notebook run
        animation(fig, lambda k: {}[k], range(2))


def test_every_animation_frame_image_has_alt_text():
    import re

    from dlmath.widgets.figure import animation, new_figure

    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 0])
    html = animation(fig, lambda k: line.set_ydata([0, k]), (k for k in range(3))).data
    assert re.search(r'<img alt="[^"]+" id="_anim_img', html)
