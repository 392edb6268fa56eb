"""Every palette the package draws with stays readable: under colour-vision deficiencies, and in contrast.

Colour-vision deficiencies are simulated with colorspacious (Machado et al. 2009, at full severity: protanopia,
deuteranopia, tritanopia), and distances are CAM02-UCS ΔE, in which about 1 is a just-noticeable difference.
Colours that tell categories apart (plain against residual, the dashboard's runs, the two shortcuts) must stay
MIN_DISTANCE apart under each simulation. Colour is never the only cue for them (dashes and markers are tested
where they are drawn), so this is the second line of defence.

Contrast follows WCAG 2.1 (relative luminance): text 4.5:1 against what it sits on (1.4.3), lines that carry
meaning and the focus ring 3:1 (1.4.11). Sequential colour maps must get lighter steadily from one end to the
other under every simulation, so their order reads without hue.

The diagram's layer-family fills are not checked for distance: every box is labelled with its layer ("3×3 conv",
"BN", "ReLU"), so their colour only decorates; their text is checked for contrast like all text.
"""

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

colorspacious = pytest.importorskip("colorspacious")  # docs/requirements.txt; make test installs it

from resnet_widgets.diagram import palette  # noqa: E402
from resnet_widgets.gradients.degradation_result import DEPTH_COLORS  # noqa: E402
from resnet_widgets.gradients.figure_data import COLORS as GRADIENT_COLORS  # noqa: E402
from resnet_widgets.training.dashboard_view import COLORS as RUN_COLORS  # noqa: E402


DEFICIENCIES = ("protanomaly", "deuteranomaly", "tritanomaly")  # at severity 100: the -opias
MIN_DISTANCE = 20.0  # CAM02-UCS ΔE; plotly's default red/blue pair keeps about 42, green/orange about 12
TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0
ROOT = Path(__file__).resolve().parents[2]

CATEGORICAL = {
    "gradients: plain vs residual": list(GRADIENT_COLORS.values()),
    "dashboard: runs": list(RUN_COLORS),
    "degradation: shallow vs deep": list(DEPTH_COLORS),
    "diagram: main path, identity and projection shortcuts": [palette.IDENTITY, palette.PROJECTION, palette.MAIN_PATH],
}


def rgb(colour: str) -> np.ndarray:
    """'#1f77b4' (or '#fff') as sRGB in [0, 1]."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise ValueError(f"colour must be '#rrggbb' or '#rgb'; received {colour!r}")
    return np.array([int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def simulate(colour: str, deficiency: str) -> np.ndarray:
    """How ``colour`` looks with ``deficiency`` at full severity (sRGB, clipped to the gamut)."""
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb(colour), space, "sRGB1"), 0, 1)


def distance(a: str, b: str, deficiency: str | None = None) -> float:
    """CAM02-UCS ΔE between two colours, as seen with ``deficiency`` (None: normal vision)."""
    first, second = (rgb(a), rgb(b)) if deficiency is None else (simulate(a, deficiency), simulate(b, deficiency))
    return float(colorspacious.deltaE(first, second, input_space="sRGB1", uniform_space="CAM02-UCS"))


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""

    def luminance(colour):
        c = rgb(colour)
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_helpers_can_fail():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") < TEXT_CONTRAST < contrast("#767676", "#ffffff") + 0.01
    # The classic trap: green and orange that differ plainly for most people fall together for a deuteranope.
    assert distance("#2ca02c", "#ff7f0e") > MIN_DISTANCE > distance("#2ca02c", "#ff7f0e", "deuteranomaly")
    with pytest.raises(ValueError, match="colour must be"):
        rgb("teal")


@pytest.mark.parametrize("name", CATEGORICAL)
@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_categorical_palettes_stay_apart_with_every_colour_vision(name, deficiency):
    close = [(a, b, round(distance(a, b, deficiency), 1)) for a, b in itertools.combinations(CATEGORICAL[name], 2)
             if distance(a, b, deficiency) < MIN_DISTANCE]
    assert not close, f"{name}: too close for {deficiency or 'normal vision'} (ΔE < {MIN_DISTANCE}): {close}"


@pytest.mark.parametrize("name", CATEGORICAL)
def test_lines_that_carry_meaning_reach_3_to_1_on_white(name):
    low = [(c, round(contrast(c, "#ffffff"), 2)) for c in CATEGORICAL[name] if contrast(c, "#ffffff") < GRAPHIC_CONTRAST]
    assert not low, f"{name}: lines below {GRAPHIC_CONTRAST}:1 on white: {low}"


def _backgrounds_of(style_name: str) -> list[str]:
    """What a text style of the diagram is drawn on: the paper, or the boxes and frames it labels."""
    if style_name in ("box-label",):
        return [fill for fill, _ in palette.FAMILY_COLOURS.values()]
    if style_name.startswith("section-"):
        return [palette.STYLES["section-frame"]["fill"]]
    if style_name == "open-title":
        return [palette.STYLES["open-frame"]["fill"], palette.PAPER]
    return [palette.PAPER, palette.STYLES["open-frame"]["fill"]]


TEXT_STYLES = [name for name, style in palette.STYLES.items() if "font-size" in style]


@pytest.mark.parametrize("style_name", TEXT_STYLES)
def test_every_text_of_the_diagram_reaches_4_5_to_1(style_name):
    ink = palette.STYLES[style_name]["fill"]
    low = [(ground, round(contrast(ink, ground), 2)) for ground in _backgrounds_of(style_name)
           if contrast(ink, ground) < TEXT_CONTRAST]
    assert not low, f"text style {style_name} ({ink}) is below {TEXT_CONTRAST}:1 on {low}"


def test_the_focus_ring_reaches_3_to_1_on_the_paper_and_every_box_and_the_css_uses_it():
    grounds = [palette.PAPER] + [fill for fill, _ in palette.FAMILY_COLOURS.values()]
    assert min(contrast(palette.FOCUS_RING, g) for g in grounds) >= GRAPHIC_CONTRAST
    css = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.css").read_text()
    assert f"--rnd-focus: {palette.FOCUS_RING};" in css, "diagram.css must ring focus in palette.FOCUS_RING"


def test_the_tooltip_and_chrome_text_reach_4_5_to_1():
    css = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.css").read_text()
    tip = re.search(r"\.rnd-tip \{[^}]*background: (#[0-9a-f]{6});[^}]*color: (#[0-9a-f]{6});", css)
    kind = re.search(r"\.rnd-tip-kind \{[^}]*color: (#[0-9a-f]{6});", css)
    hint = re.search(r"\.rnd-hint \{[^}]*color: var\([^,]+, (#[0-9a-f]{6})\);", css)
    assert tip and kind and hint, "diagram.css changed shape: read its colours again"
    assert contrast(tip.group(2), tip.group(1)) >= TEXT_CONTRAST
    assert contrast(kind.group(1), tip.group(1)) >= TEXT_CONTRAST
    assert contrast(hint.group(1), palette.PAPER) >= TEXT_CONTRAST


def _sequential(name: str) -> list[str]:
    import matplotlib

    cmap = matplotlib.colormaps[name]
    return ["#%02x%02x%02x" % tuple(int(round(255 * v)) for v in cmap(x)[:3]) for x in np.linspace(0, 1, 16)]


def _used_colormaps() -> list[str]:
    """Every colour map named in the package's code (cmap="..." and get_cmap("...")), the default heatmap too."""
    from resnet_widgets.inside.overlay import HEATMAP_COLORMAP

    found = {HEATMAP_COLORMAP}
    for path in (ROOT / "resnet_widgets").rglob("*.py"):
        found |= set(re.findall(r"""(?:cmap=|get_cmap\()["']([A-Za-z_]+)["']""", path.read_text()))
    return sorted(found - {"gray"})  # the photo itself, drawn in grey


@pytest.mark.parametrize("name", _used_colormaps())
@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_sequential_colour_maps_get_steadily_lighter_with_every_colour_vision(name, deficiency):
    colours = _sequential(name)
    seen = [rgb(c) if deficiency is None else simulate(c, deficiency) for c in colours]
    lightness = [float(colorspacious.cspace_convert(c, "sRGB1", "CAM02-UCS")[0]) for c in seen]
    steps = np.diff(lightness)
    assert np.all(steps > 0) or np.all(steps < 0), f"{name}: lightness goes up and down: {np.round(lightness, 1)}"
