"""Suite-wide test settings.

Property tests (hypothesis) take their number of examples from the active profile, never
from a pinned ``max_examples``, so that one switch changes how hard the whole suite
searches:

- ``ci`` (the default): derandomized, so CI sees the same examples on every run and a
  failure can be replayed; few enough examples to keep the suite inside its time budget.
- ``explore``: many more examples and a fresh random seed each run, for local bug hunts
  (``HYPOTHESIS_PROFILE=explore python -m pytest tests``).

hypothesis, scikit-learn and scipy are declared test dependencies (the ``test`` extra):
tests import them plainly, so a broken install fails instead of skipping.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          max_examples=30)
settings.register_profile("explore", derandomize=False, deadline=None,
                          max_examples=500, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
