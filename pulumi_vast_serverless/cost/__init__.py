"""What a deploy costs: its price at preview, a ceiling, and what it spends once it runs.

``_estimate`` computes the figures (pure), ``_plan`` prices a program run before any
write (and enforces ``vast:maxHourlySpend``), ``_spend`` reads Vast's spend routes, and
``python -m pulumi_vast_serverless.cost`` (``vast-spend``) prints a stack's spend now.
"""

from ._estimate import DEFAULT_DISK_GB, Offers, money, offers_text
from ._plan import this_run
from ._spend import SpendRate, get_endpoint_spend, get_spend_rate, get_workergroup_spend

# The public surface, and what the package's other subpackages use (from here only).
__all__ = [
    "DEFAULT_DISK_GB",
    "Offers",
    "SpendRate",
    "get_endpoint_spend",
    "get_spend_rate",
    "get_workergroup_spend",
    "money",
    "offers_text",
    "this_run",
]
