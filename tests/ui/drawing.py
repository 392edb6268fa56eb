"""Reading a drawing element by element, in the page and in a static SVG, so the two can be compared."""

import xml.etree.ElementTree as ET

# Every element under `root` in document order: [tag, attributes, text]; what only the widget adds for
# interaction and assistive technology (class, tabindex, data-*, role, aria-*) and what only the static picture
# has (<title> tooltips) left out.
ELEMENTS_JS = """(root) => {
  const out = [];
  const walk = (node) => {
    for (const child of node.children) {
      if (child.tagName === 'title') continue;
      const attrs = {};
      for (const a of child.attributes) {
        if (!['class', 'tabindex', 'role'].includes(a.name) && !a.name.startsWith('data-')
            && !a.name.startsWith('aria-')) attrs[a.name] = a.value;
      }
      out.push([child.tagName, attrs, child.tagName === 'text' ? child.textContent : null]);
      walk(child);
    }
  };
  walk(root);
  return out;
}"""


def svg_elements(element):
    """What ELEMENTS_JS reads, for an ElementTree element of a static SVG."""
    out = []
    for child in element:
        tag = child.tag.split("}")[1]
        if tag == "title":
            continue
        attrs = {k: v for k, v in child.attrib.items()
                 if k not in ("class", "tabindex", "role") and not k.startswith(("data-", "aria-"))}
        out.append([tag, attrs, child.text if tag == "text" else None])
        out.extend(svg_elements(child))
    return out


def static_group(svg_text, css_class):
    """The elements under the static SVG's group of class ``css_class`` ("rnd-header" or "rnd-body")."""
    groups = [g for g in ET.fromstring(svg_text).iter("{http://www.w3.org/2000/svg}g") if g.get("class") == css_class]
    assert len(groups) == 1, f"the SVG has {len(groups)} groups of class {css_class}"
    return svg_elements(groups[0])


def first_difference(drawn, expected):
    """None when the two element lists are equal, else a message naming the first element that differs."""
    if len(drawn) != len(expected):
        return f"{len(drawn)} elements drawn, {len(expected)} in the SVG"
    for index, (got, want) in enumerate(zip(drawn, expected)):
        if got != want:
            return f"element {index}: drawn {got}, SVG {want}"
    return None
