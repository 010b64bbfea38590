"""The walkthrough: a finite-state machine read from knowledge/flow.yaml.

``navigation`` moves through it (commands, buttons, typed answers, the one write per transition);
``nodes`` says what each kind of node does; ``outcome`` renders where it ends, with ``countdown``
(the user's own deadline).
"""
