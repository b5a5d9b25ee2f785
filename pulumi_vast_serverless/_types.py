"""Types every layer shares."""

from __future__ import annotations

from typing import Any

#: One JSON object as Vast sends or stores it: a row, a request's body, an answer.
Row = dict[str, Any]
