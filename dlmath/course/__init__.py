"""The course's reference maths, one module per topic, each written once.

``dlmath.course.<topic>`` holds the models, updates and trainers of the chapter
``book/NN-<topic>.md``: the chapter and the lesson import them, the demos in
``dlmath.widgets.<topic>`` draw them and the checkers in
``dlmath.exercises.<topic>`` compare a learner's answer with them. They use the
engine (``dlmath``) and the elementwise formulas of ``dlmath.functions``, never
the widgets or the checkers.
"""
