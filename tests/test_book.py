"""Checks on the built HTML book (`make test` builds it with -W before running pytest)."""

import re
from pathlib import Path

import pytest

from toc import toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (or `make test`, which builds it)")
    return {
        str(path.relative_to(HTML).with_suffix("")): path.read_text(encoding="utf-8")
        for path in HTML.rglob("*.html")
        if "_static" not in path.parts and "_sources" not in path.parts
    }


def test_every_toc_entry_has_a_page(pages):
    missing = sorted(name for name in toc_files() if name not in pages)
    assert not missing, f"not built: {missing}"


def test_no_page_shows_a_traceback_or_error_output(pages):
    bad = [name for name, html in pages.items()
           if "Traceback (most recent call last)" in html or 'class="output traceback' in html
           or "output stderr" in html]
    assert not bad, f"pages with errors or stderr output: {bad}"


def test_lesson_launch_buttons_open_the_stored_notebook(pages):
    lessons = [name for name in pages if name.startswith("lessons/")]
    for name in lessons:
        launch_links = re.findall(r'href="(https://mybinder\.org/[^"]+)"', pages[name])
        assert launch_links, f"{name} has no Binder launch button"
        assert all(link.endswith(".ipynb") for link in launch_links), launch_links


def test_maths_is_marked_up_for_typesetting(pages):
    assert any(r"\(" in html or "math notranslate" in html for html in pages.values())


# One animation on a built page: the player (image, controls) and the script that holds its frames.
ANIMATION = re.compile(r'<div class="animation">.*?</script>', re.S)


def test_every_lesson_animation_is_kernel_free_and_light(pages):
    """Each `*_animation()` a lesson calls is on its built page (the build draws it; nothing else in
    `make test` does): a player with its script, about 20 frames, light enough for a phone."""
    import nbformat

    problems = []
    for notebook_path in sorted((ROOT / "lessons").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(notebook_path, as_version=4)
        calls = sum(len(re.findall(r"\b\w+_animation\(", cell.source))
                    for cell in notebook.cells if cell.cell_type == "code")
        page = f"lessons/{notebook_path.stem}"
        players = ANIMATION.findall(pages[page])
        if len(players) != calls:
            problems.append(f"{page}: {calls} animations called, {len(players)} on the page")
        for player in players:
            frames = re.search(r"step through (\d+) precomputed frames", player)
            if not (frames and "_anim_img" in player and "<script" in player):
                problems.append(f"{page}: an animation is not a kernel-free player")
            elif not 2 <= int(frames.group(1)) <= 30:
                problems.append(f"{page}: {frames.group(1)} frames (keep animations to about 20)")
            if len(player) > 1_500_000:
                problems.append(f"{page}: an animation of {len(player):,} bytes (fewer frames, "
                                "smaller figures)")
    assert not problems, "\n".join(problems)


def test_no_built_file_shows_a_quiz_answer():
    """Quizzes travel encoded (dlmath.exercises.quiz): no file of the site (page, script, search
    index, source) may hold an answer's feedback as plain text, which a reader would find with
    view-source or the search box before answering. (A question's opening words may stand in
    the prose too: lesson 10 and chapter 3 pose the same problem before their quiz does.)"""
    from dlmath.exercises.quiz import load_quiz, quiz_slugs

    texts = set()
    for slug in quiz_slugs():
        for question in load_quiz(slug):
            texts.update(answer["feedback"][:40] for answer in question["answers"])
    assert len(texts) > 100
    readable = [path for path in HTML.rglob("*")
                if path.suffix in {".html", ".js", ".json", ".txt", ".ipynb", ".md", ".map"}]
    shown = [f"{text!r} in {path.relative_to(HTML)}" for path in readable
             for content in [path.read_text(encoding="utf-8", errors="ignore")]
             for text in texts if text in content]
    assert not shown, "\n".join(shown[:10])
