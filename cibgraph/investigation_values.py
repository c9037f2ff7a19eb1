"""The values of an investigation's ``detect:`` step, checked before any step runs.

Each key gets the type and range of its ``cibgraph detect`` option; a problem names the
key (the caller adds file and line) and what is allowed. ``${name}`` placeholders are
substituted first, so a number given with ``--param`` arrives as a string and is read
as a number here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from analytics.actions import SIGNALS
from analytics.combine import DEFAULT_WEIGHTS
from analytics.communities import ENGINES
from analytics.detect import DetectParams
from cibgraph.errors import CibgraphError

Fail = Callable[[str, str], Exception]

WRITE_EDGES = ("none", "flagged", "all")


def _number(value: Any, kind: type) -> Any:
    """``value`` as an int or float, or None when it is not one (bools are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = kind(value.strip())
        except ValueError:
            return None
    if kind is int and isinstance(value, int):
        return value
    if kind is float and isinstance(value, int | float):
        return float(value)
    return None


def _ranged(kind: type, low: float | None, high: float | None, what: str) -> Any:
    def check(value: Any, key: str, fail: Fail) -> Any:
        number = _number(value, kind)
        if (
            number is None
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            raise fail(key, f"{value!r} is not allowed; expected {what}")
        return number

    return check


def _optional(check: Any) -> Any:
    def inner(value: Any, key: str, fail: Fail) -> Any:
        if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        return check(value, key, fail)

    return inner


def _choice(allowed: tuple[str, ...]) -> Any:
    def check(value: Any, key: str, fail: Fail) -> Any:
        if value not in allowed:
            raise fail(key, f"{value!r} is not allowed; expected one of {', '.join(allowed)}")
        return value

    return check


def _signals(value: Any, key: str, fail: Fail) -> Any:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise fail(key, f"a list of signals; expected some of {', '.join(SIGNALS)}")
    names = []
    for index, item in enumerate(items):
        name = str(item).strip()
        if name not in SIGNALS:
            where = key if isinstance(value, str) else f"{key}[{index}]"
            raise fail(where, f"unknown signal {name!r}; expected one of {', '.join(SIGNALS)}")
        names.append(name)
    return names


def _window(value: Any, key: str, fail: Fail) -> Any:
    what = "a number of seconds >= 0, a list such as [60, 3600], or auto"
    if value == "auto":
        return value
    items = value if isinstance(value, list) else str(value).split(",")
    numbers = [_number(v, int) for v in items]
    if not numbers or any(n is None or n < 0 for n in numbers):
        raise fail(key, f"{value!r} is not allowed; expected {what}")
    return numbers[0] if len(numbers) == 1 and not isinstance(value, list) else numbers


def _weights(value: Any, key: str, fail: Fail) -> Any:
    if not isinstance(value, dict):
        raise fail(key, "a mapping of signal: weight, e.g. {url: 1.0, text: 0.5}")
    weights = {}
    for name, weight in value.items():
        if name not in SIGNALS:
            raise fail(f"{key}.{name}", f"unknown signal; expected one of {', '.join(SIGNALS)}")
        number = _number(weight, float)
        if number is None or number < 0:
            raise fail(f"{key}.{name}", f"{weight!r} is not allowed; expected a number >= 0")
        weights[name] = number
    return weights


CHECKS: dict[str, Any] = {
    "signals": _signals,
    "window": _window,
    "min_weight": _ranged(int, 1, None, "a whole number >= 1"),
    "max_actors": _optional(_ranged(int, 2, None, "a whole number >= 2, or none")),
    "min_participation": _optional(_ranged(int, 1, None, "a whole number >= 1, or none")),
    "fast_window": _optional(_ranged(int, 0, None, "a number of seconds >= 0, or none")),
    "engine": _choice(ENGINES),
    "resolution": _ranged(float, 0, None, "a number > 0"),
    "seed": _ranged(int, None, None, "a whole number"),
    "threshold": _ranged(float, 0, 1, "a score between 0 and 1"),
    "min_size": _ranged(int, 1, None, "a whole number >= 1"),
    "draws": _ranged(int, 10, None, "a whole number >= 10"),
    "alpha": _ranged(float, 0, 1, "a number between 0 and 1"),
    "min_excess": _ranged(float, 0, 1, "a share between 0 and 1"),
    "lockstep": _ranged(float, 0, 1, "a share between 0 and 1"),
    "percentile": _optional(_ranged(float, 0, 1, "a quantile between 0 and 1, or none")),
    "min_symmetry": _ranged(float, 0, 1, "a share between 0 and 1"),
    "write_edges": _choice(WRITE_EDGES),
    "weights": _weights,
}


def check_detect(spec: dict[str, Any], fail: Fail) -> dict[str, Any]:
    """``spec`` with every value checked and typed; raises ``fail(key, message)``."""
    checked = {
        name: CHECKS[name](value, f"detect.{name}", fail) if name in CHECKS else value
        for name, value in spec.items()
    }
    try:
        detect_params(checked).check()
    except CibgraphError as exc:
        # the detect command's message, with its options named as the YAML's keys
        message = re.sub(r"--([a-z-]+)", lambda m: m.group(1).replace("-", "_"), str(exc))
        raise fail("detect", message) from None
    return checked


def detect_params(spec: dict[str, Any] | None) -> DetectParams:
    """The run's parameters from a checked ``detect:`` mapping."""
    spec = dict(spec or {})
    if "signals" in spec:
        spec["signals"] = tuple(spec["signals"])
    if isinstance(spec.get("window"), list):
        spec["window"] = tuple(spec["window"])
    if "weights" in spec:
        spec["weights"] = {**DEFAULT_WEIGHTS, **spec["weights"]}
    return DetectParams(**spec)
