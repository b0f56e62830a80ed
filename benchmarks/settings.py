"""The portal's settings plus two trivial views to measure against (benchmarks only)."""

from thainguyen_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
