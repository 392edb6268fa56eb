"""PlotCaption: the summary and table beside a plot; bad tables are refused with the part that is wrong."""

import pytest

from resnet_widgets.plot_caption import PlotCaption, check_table



def test_a_caption_syncs_its_summary_and_table_as_strings():
    caption = PlotCaption(scope="resnet-gradient-explorer", name="gradient norms")
    caption.show("two lines", {"caption": "norms", "columns": ["layer", "norm"], "rows": [[1, 0.5], [2, 0.25]]})
    assert caption.summary == "two lines"
    assert caption.table == {"caption": "norms", "columns": ["layer", "norm"], "rows": [["1", "0.5"], ["2", "0.25"]]}
    caption.show("none")
    assert caption.table == {}


@pytest.mark.parametrize("table, error, words", [
    ([["a"]], TypeError, "columns' and 'rows' lists"),
    ({"columns": ["a", "b"], "rows": [["1"]]}, ValueError, "row 0 has 1 cells; the table has 2 columns"),
])
def test_a_malformed_table_is_refused(table, error, words):
    with pytest.raises(error, match=words):
        check_table(table)


@pytest.mark.parametrize("scope, name", [("", "x"), ("resnet-live-dashboard", None)])
def test_scope_and_name_must_be_words(scope, name):
    with pytest.raises(TypeError, match="must be a non-empty string"):
        PlotCaption(scope=scope, name=name)
