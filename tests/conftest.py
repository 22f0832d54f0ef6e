"""Suite-wide test settings.

Property tests (hypothesis) run derandomized by default, so CI sees the same examples on
every run and a failure can be replayed. Explore new random examples locally with
HYPOTHESIS_PROFILE=explore (more examples, a fresh random seed each run).
"""
import os

try:
    from hypothesis import settings
except ImportError:                      # the property tests skip themselves then
    settings = None

if settings is not None:
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    settings.register_profile("explore", derandomize=False, deadline=None,
                              max_examples=500, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
