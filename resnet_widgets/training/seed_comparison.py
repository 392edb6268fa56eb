"""Two methods measured from the same seeds: is one ahead of the other, beyond what the seed alone does?

In the labs a seed draws the labelled images (and the order of the batches), and both methods of a comparison
get the same draw: the comparison is paired. So the question is whether the per-seed differences agree in sign
and their mean is wider than their own spread (max - min): then the difference comes from the methods, not from
the draw. Three seeds make this a floor, not a proof.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeedComparison:
    """Per-seed scores of method `a` and method `b` (the same seeds, in the same order), higher is better."""

    a_name: str
    b_name: str
    a: tuple
    b: tuple

    @property
    def gaps(self):
        return np.asarray(self.a, dtype=float) - np.asarray(self.b, dtype=float)

    @property
    def mean_gap(self):
        return float(self.gaps.mean())

    @property
    def spread(self):
        """max - min of the per-seed gaps."""
        return float(np.ptp(self.gaps))

    @property
    def a_ahead(self):
        """`a` scored higher in every seed, by a mean wider than the gaps' spread."""
        return bool(np.all(self.gaps > 0) and self.mean_gap > self.spread)

    @property
    def b_ahead(self):
        return bool(np.all(self.gaps < 0) and -self.mean_gap > self.spread)

    def verdict(self):
        if self.a_ahead:
            return f"{self.a_name} ahead"
        if self.b_ahead:
            return f"{self.b_name} ahead"
        return "no difference beyond the seeds' spread"

    def sentence(self, unit="points", scale=100):
        """'fine-tuned vs feature extraction: +1.2 points (per seed +1.6, +1.0, +1.0; spread 0.6): fine-tuned ahead'."""
        per_seed = ", ".join(f"{scale * g:+.1f}" for g in self.gaps)
        return (f"{self.a_name} vs {self.b_name}: {scale * self.mean_gap:+.1f} {unit} (per seed {per_seed}; spread "
                f"{scale * self.spread:.1f}): {self.verdict()}")


def mean_and_range(values, scale=100, digits=1):
    """'91.1% (90.4-91.8%)': the mean of the seeds and their range."""
    values = np.asarray(values, dtype=float) * scale
    return f"{values.mean():.{digits}f}% ({values.min():.{digits}f}-{values.max():.{digits}f}%)"
