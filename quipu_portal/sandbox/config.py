"""Command-line values of the sandbox: the rate limit and the fault injection settings."""

import re
from dataclasses import dataclass

DEFAULT_PORT = 8765
DEFAULT_TOKEN_LIFETIME = 7200

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")


def parse_rate(text: str) -> tuple[int, float]:
    """``"5/5s"`` -> ``(5, 5.0)``: LIMIT requests in any WINDOW seconds."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"bad rate {text!r}: expected LIMIT/WINDOWs, e.g. 5/5s")
    limit, window = int(match.group(1)), float(match.group(2))
    if limit < 1 or window <= 0:
        raise ValueError(f"bad rate {text!r}: limit and window must be positive")
    return limit, window


FAULT_KEYS = (
    "latency",
    "p429",
    "p500",
    "p502",
    "p503",
    "drop",
    "expire",
    "drop_after_write",
    "cut_pdf",
    "seed",
    "delete_status",
    "upload_limit",
)
# Faults that are whole numbers: a status every DELETE answers, the largest body (bytes) a POST may have.
INTEGER_FAULTS = ("seed", "delete_status", "upload_limit")


@dataclass
class FaultSettings:
    latency: float = 0.0
    p429: float = 0.0
    p500: float = 0.0
    p502: float = 0.0
    p503: float = 0.0
    drop: float = 0.0
    expire: float = 0.0
    # Faults on the answer of a request that was carried out: a write applied to the store whose
    # answer never comes, a PDF whose body stops half way through its announced Content-Length.
    drop_after_write: float = 0.0
    cut_pdf: float = 0.0
    seed: int = 0
    delete_status: int = 0
    upload_limit: int = 0

    @property
    def active(self) -> bool:
        """Whether a fault may strike before a request is carried out (the answer faults draw apart)."""
        return any(
            (
                self.latency,
                self.p429,
                self.p500,
                self.p502,
                self.p503,
                self.drop,
                self.expire,
                self.delete_status,
                self.upload_limit,
            )
        )

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in FAULT_KEYS}

    @classmethod
    def from_dict(cls, values: dict) -> "FaultSettings":
        """Accepts the control-surface names (``p429``) and the command-line ones (``429``, ``5xx``)."""
        settings = cls()
        for key, value in (values or {}).items():
            if key == "app_id":
                continue
            name = {"429": "p429", "500": "p500", "502": "p502", "503": "p503"}.get(str(key), str(key))
            if name == "5xx":
                share = float(value) / 3
                settings.p500 = settings.p502 = settings.p503 = share
            elif name in INTEGER_FAULTS:
                setattr(settings, name, int(value))
            elif name in FAULT_KEYS:
                setattr(settings, name, float(value))
            else:
                raise ValueError(
                    f"unknown fault {key!r}; known: latency, 429, 500, 502, 503, 5xx, drop, expire, "
                    "drop_after_write, cut_pdf, seed, delete_status, upload_limit"
                )
        return settings


def parse_faults(text: str | None) -> FaultSettings:
    """``"latency=0.2,429=0.1,5xx=0.05,drop=0.02,drop_after_write=0.05,cut_pdf=0.1,seed=1"``."""
    values = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        if not value:
            raise ValueError(f"bad fault {part!r}: expected NAME=VALUE")
        values[key.strip()] = value.strip()
    return FaultSettings.from_dict(values)
