"""The diagram in words: its stages and blocks as a table, and as one paragraph.

What a screen reader reads instead of the picture, what "copy as table" puts on the clipboard (tab-separated,
so a spreadsheet or a document takes it as a table), and the static SVG's <title> and <desc>. Computed from the
``model_graph`` dict alone, so a test reads it without a browser.
"""

from __future__ import annotations

from .text import blocks_phrase, format_count, format_shape, headline, summary

COLUMNS = ("part", "name", "what it is", "output shape", "parameters", "multiply-adds")


def _what(node: dict) -> str:
    """'projection block, stride 2', 'identity block', '7×7 conv · max pool', or a layer's label."""
    if node["kind"] == "block":
        shortcut = (node.get("shortcut") or {}).get("kind", "residual")
        stride = f", stride {node['downsample']}" if node.get("downsample") else ""
        return f"{shortcut} block{stride}"
    if node["kind"] == "layer":
        return node.get("label") or node.get("type", "layer")
    return summary(node.get("children", []), limit=60) or node["kind"]


def _row(part: str, node: dict) -> list[str]:
    return [part, node["name"], _what(node), format_shape(node["output_shape"]), f"{node['params']:,}",
            format_count(node["macs"])]


def diagram_text(graph: dict) -> dict:
    """Everything the diagram says in words: ``{"title", "description", "table"}`` (the scene carries it)."""
    return {"title": diagram_title(graph), "description": diagram_description(graph), "table": diagram_table(graph)}


def diagram_table(graph: dict) -> dict:
    """The stages and blocks of a ``model_graph`` dict as a table.

    Returns:
        ``{"caption": str, "columns": COLUMNS, "rows": [[str, ...], ...]}``: one row for the stem and for the
        head (their main layers in a few words), one per residual block (identity or projection, with its
        stride), and one per loose layer of a stage; shapes as '56×56×256', parameters exact, multiply-adds
        rounded ('231 M').

    Raises:
        KeyError: ``graph`` is not a ``model_graph`` dict.
    """
    rows = []
    for node in graph["children"]:
        if node["kind"] == "stage":
            rows += [_row(node["name"], child) for child in node["children"]]
        else:
            rows.append(_row(node["kind"] if node["kind"] in ("stem", "head") else node["name"], node))
    caption = f"{graph['name']}: input {format_shape(graph['input_shape'])}, " + ", ".join(headline(graph)[1:])
    return {"caption": caption, "columns": list(COLUMNS), "rows": rows}


def table_tsv(table: dict) -> str:
    """The table as tab-separated text (a header line, then one line per row): what "copy as table" copies."""
    lines = ["\t".join(table["columns"])] + ["\t".join(row) for row in table["rows"]]
    return "\n".join(lines) + "\n"


def diagram_title(graph: dict) -> str:
    """One line that names the picture: 'Architecture of resnet50: 25.6 M parameters, ..., 16 residual blocks'."""
    name, *facts = headline(graph)
    return f"Architecture of {name}: " + ", ".join(facts)


def diagram_description(graph: dict) -> str:
    """What the picture shows, read left to right: the input, each stage with its blocks and shapes, the head."""
    parts = [f"Input {format_shape(graph['input_shape'])}."]
    for node in graph["children"]:
        if node["kind"] == "stage":
            blocks = [c for c in node["children"] if c["kind"] == "block"]
            kinds = [(c.get("shortcut") or {}).get("kind", "residual") for c in blocks]
            counted = ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds))
            what = f"{blocks_phrase(len(blocks))} ({counted})" if blocks else f"{len(node['children'])} layers"
            parts.append(f"Stage {node['name']}: {what}, output {format_shape(node['output_shape'])}.")
        else:
            parts.append(f"{node['name'].capitalize()}: {_what(node)}, output {format_shape(node['output_shape'])}.")
    if graph["structure"] == "residual":
        parts.append("Each residual block adds its input (the shortcut) to the output of its layers.")
    return " ".join(parts)
