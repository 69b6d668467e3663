"""Self-assessment for the lessons: coded exercises with answer checkers, and quizzes.

Using it in a lesson
--------------------
A learner fills in a stub, then calls its checker; the returned
:class:`Feedback` displays itself (plain text or a small coloured box)::

    from dlmath.exercises.gradient_descent import check_gradient_step

    def step(w, grad, learning_rate):
        ...  # your code here

    check_gradient_step(step)

    from dlmath.exercises import show_quiz, show_results
    show_results("gradient-descent")  # which exercises passed in this session
    show_quiz("gradient-descent")     # cell tags: remove-input, nbval-ignore-output

Writing the checkers of a lesson (convention)
---------------------------------------------
* One module per lesson: ``dlmath/exercises/<lesson>.py`` (for example
  ``backpropagation.py``). Its public functions named ``check_*`` are the
  exercises. A function exercise is declared in one call,
  ``check_x = function_exercise("x(a, b)", reference, cases, title=..., doc=...)``
  (see :func:`checking.function_exercise`), which grades with
  :func:`checking.grade_function`; any other checker is decorated with
  :func:`checking.checker`, gives every parameter the default ``...`` (so
  ``check_x()`` means "not attempted"), and returns a Feedback, usually
  :func:`checking.grade_value` (the learner computes a value; its expected
  value is never shown). Known wrong answers go in ``mistakes=[(wrong, hint)]``;
  generic ones (sign, transpose, factor n, shape, offset, NaN) are recognised
  for you.
* A function exercise lists readable fixed cases, including the edge cases of
  its maths (ties, zeros, a point on the boundary, a single example, the
  smallest and largest shapes), and ``random_cases=`` a function drawing one
  case from the exercise's domain; ``RANDOM_CASES`` seeded ones run per call.
  Whole-number answers use ``exact=True``; an exercise whose text says "do not
  change w in place" uses ``forbid_mutation=True``.
* A value exercise states its tolerance in the lesson's text ("give 3
  significant digits", "a whole number") and passes the same to
  ``grade_value`` (``digits=3``, ``atol=...`` or ``integer=True``); the
  lesson's own printed roundings must pass.
* Every ``check_*`` needs reference cases in ``tests/exercise_cases/<lesson>.py``,
  a dict ``CASES = {"check_x": {"solution": ..., "wrong": [(answer, "hint substring"), ...]}}``:
  the solution must pass, each wrong answer must fail with a hint containing
  the substring. ``tests/test_exercises.py`` finds every module and checker by
  itself, feeds each garbage (no argument, None, text, NaN, a raising
  function...) with ``checking.strict()`` on, and fails if a checker raises
  (an internal error), leaks an internal name, or has no reference cases. It
  also reruns each function checker under several seeds: the solution must
  always pass and each wrong answer always fail.
* Quizzes: ``dlmath/exercises/quizzes/<lesson-slug>.json`` in jupyterquiz's
  format (see :mod:`dlmath.exercises.quiz`), at least four questions, feedback
  on every answer. ``tests/test_quizzes.py`` validates them.
"""

from .checking import Case, checker, function_exercise, grade_function, grade_value
from .feedback import Feedback
from .quiz import load_quiz, show_quiz
from .summary import show_results

__all__ = ["Case", "Feedback", "checker", "function_exercise", "grade_function", "grade_value", "load_quiz",
           "show_quiz", "show_results"]
