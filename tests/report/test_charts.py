"""The synthesis charts: deterministic, inline-ready SVG and PNG."""

from __future__ import annotations

from corpus.report import charts


def test_charts_are_deterministic(synthesis):
    for name in charts.CHARTS:
        first = charts.svg(charts.figure(name, synthesis), name)
        again = charts.svg(charts.figure(name, synthesis), name)
        assert first == again
        assert first.startswith("<svg") and "xmlns" not in first
        assert charts.png(charts.figure(name, synthesis))[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_orientation_chart_shows_the_recurring_themes(synthesis):
    svg = charts.svg(charts.figure("orientations", synthesis), "o")
    for label in ("T001 · Financement des parcours de formation", "Difficultés", "Leviers"):
        assert label in svg
    assert "T005" not in svg  # not recurring

