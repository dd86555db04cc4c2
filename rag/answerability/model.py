"""The fitted logistic model, read from JSON (never pickle)."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .features import FEATURES, sigmoid

WEIGHTS = Path(__file__).with_name("weights.json")
SERVE = Path(__file__).with_name("serve.json")   # the decider for answers drafted by a language model


@dataclass(frozen=True)
class Decider:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    meta: dict

    def score(self, feats: dict[str, float]) -> float:
        """Probability that the quote answers the question."""
        z = self.bias
        for n, m, s, w in zip(self.names, self.mean, self.scale, self.weights):
            v = feats.get(n)
            if v is not None:   # a signal the backend could not give weighs nothing (it sits at its mean)
                z += w * (v - m) / s
        return sigmoid(z)

    def to_dict(self) -> dict:
        return {"features": list(self.names), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias, "threshold": self.threshold, "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict) -> "Decider":
        try:
            names = tuple(d["features"])
            unknown = set(names) - set(FEATURES)
            if unknown:
                raise ConfigError(f"answerability weights name unknown features {sorted(unknown)}")
            n = len(names)
            vals = [tuple(float(x) for x in d[k]) for k in ("mean", "scale", "weights")]
            if any(len(v) != n for v in vals) or any(s <= 0 for s in vals[1]):
                raise ConfigError("answerability weights: mean/scale/weights must match the features, scales > 0")
            return cls(names, *vals, float(d["bias"]), float(d["threshold"]), dict(d.get("meta", {})))
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"answerability weights are malformed: {e}") from None


@functools.lru_cache(maxsize=4)
def load(path: str | None = None) -> Decider:
    p = Path(path) if path else WEIGHTS
    try:
        return Decider.from_dict(json.loads(p.read_text(encoding="utf-8")))
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the answerability weights: {e}") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{p}: not JSON: {e}") from None
