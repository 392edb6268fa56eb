"""What the diagram says, in the words and numbers a learner reads: counts, shapes, the headline, hover tips.

Also how wide a text is (an estimate, for wrapping the headline to its picture) and how a coordinate is
written, so the SVG writer and the browser write every number the same way.
"""

from __future__ import annotations

from .palette import family


def format_shape(shape) -> str:
    """'56×56×256' for [None, 56, 56, 256]; '?' for unknown sizes; several outputs joined by ' | '."""
    if shape is None:
        return ""
    if shape and isinstance(shape[0], list):
        return " | ".join(format_shape(s) for s in shape)
    dims = shape[1:] if len(shape) > 1 else shape
    return "×".join("?" if d is None else str(d) for d in dims)


def format_count(value) -> str:
    """Counts as a learner reads them: 25,636,712 -> '25.6 M', 3_868_560_384 -> '3.87 G', None -> '?'."""
    if value is None:
        return "?"
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:.3g} {suffix}" if scaled < 100 else f"{scaled:.0f} {suffix}"
    return str(value)


def num(value) -> str:
    """A coordinate written as JavaScript's ``String(number)`` writes it, so all painters agree to the byte."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


# Average glyph widths (in em) of the wide sans-serif fonts the picture may get (DejaVu Sans on Linux):
# an estimate that errs wide, so a headline that is wrapped to fit does fit.
_NARROW, _WIDE = set("ijlI.,:;'|!()[]·ft/r "), set("mwMW@%×")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in pixels that ``text`` takes at font size ``size`` (an upper estimate)."""
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.34
        elif char in _WIDE:
            units += 0.88
        elif char.isupper():
            units += 0.72
        else:
            units += 0.62
    return units * size * (1.1 if bold else 1.0)


def short_block_label(name: str, stage: str) -> str:
    """'conv4_block36' in stage 'conv4' -> 'block36'; other names are kept, cut to 16 characters."""
    if name.startswith(stage + "_"):
        name = name[len(stage) + 1 :]
    return name if len(name) <= 16 else name[:15] + "…"


def summary(layers: list[dict], limit: int = 22) -> str:
    """The stem's or head's main layers in a few words: '7×7 conv · max pool'."""
    words = []
    for layer in layers:
        fam = family(layer["type"])
        if fam in ("conv", "dense"):
            words.append(layer["label"].split(",")[0])
        elif fam == "pool":
            words.append(layer["label"].replace("3×3 ", "").split(",")[0].replace("global ", ""))
    text = ""
    for word in words:
        candidate = f"{text} · {word}" if text else word
        if len(candidate) > limit:
            return text + " …" if text else word[:limit]
        text = candidate
    return text


def blocks_phrase(count: int) -> str:
    """'16 residual blocks', '1 residual block'."""
    return f"{count} residual block{'' if count == 1 else 's'}"


def headline(graph: dict) -> list[str]:
    """The parts of the headline: name, parameters, multiply-adds, depth (and residual blocks)."""
    parts = [
        graph["name"],
        f"{format_count(graph['params'])} parameters",
        f"{format_count(graph['macs'])} multiply-adds",
        f"depth {graph['depth']}",
    ]
    if graph["structure"] == "residual":
        parts.append(blocks_phrase(graph["block_count"]))
    return parts


def tip_rows(node: dict) -> list:
    """What a hover shows for a node (a layer or a group): ``[kind, [key, value], ...]``."""
    parameters = f"{node['params']:,}"
    if node["non_trainable"]:
        parameters += f" ({node['non_trainable']:,} non-trainable)"
    rows = [
        node.get("type") or node["kind"],
        ["output", format_shape(node["output_shape"])],
        ["parameters", parameters],
        ["multiply-adds", format_count(node["macs"])],
    ]
    if node.get("shortcut"):
        via = ", ".join(node["shortcut"]["layers"]) or "nothing (x passes unchanged)"
        rows.append(["shortcut", f"{node['shortcut']['kind']}, through {via}"])
    return rows


def wrap(words: list[str], width: float, size: float, bold: bool, joiner: str = " · ") -> list[str]:
    """Greedy lines of ``words`` joined by ``joiner`` that fit ``width`` (a word longer than it stays whole)."""
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]}{joiner}{word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
