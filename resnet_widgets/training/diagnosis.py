"""What diagnose() finds: the trap names, one Finding per trap found, and the Diagnosis that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field

TRAPS = ("batchnorm_training_mode", "batchnorm_trainable", "not_recompiled", "preprocessing_mismatch",
         "activation_loss_mismatch", "learning_rate_too_high")


@dataclass(frozen=True)
class Finding:
    """One trap found: which (one of TRAPS), where (layer names), what was measured, and the fix."""

    trap: str
    message: str
    fix: str
    layers: tuple = ()

    def __str__(self):
        where = f" [{', '.join(self.layers[:4])}{', ...' if len(self.layers) > 4 else ''}]" if self.layers else ""
        return f"{self.trap}{where}: {self.message}\n    fix: {self.fix}"


@dataclass(frozen=True)
class Diagnosis:
    """The findings of diagnose(), and which checks ran. Iterates over the findings; falsy when there are none."""

    model: str
    findings: tuple
    checked: tuple
    skipped: tuple = field(default_factory=tuple)

    @property
    def traps(self):
        """The trap names found, in order, each once."""
        return tuple(dict.fromkeys(f.trap for f in self.findings))

    def __iter__(self):
        return iter(self.findings)

    def __len__(self):
        return len(self.findings)

    def __bool__(self):
        return bool(self.findings)

    def __str__(self):
        head = f"diagnose({self.model}): " + (
            f"{len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}" if self.findings else "no findings")
        lines = [head] + [f"- {f}" for f in self.findings]
        lines.append(f"checked: {', '.join(self.checked)}")
        if self.skipped:
            lines.append(f"not checked: {'; '.join(self.skipped)}")
        return "\n".join(lines)

    __repr__ = __str__
