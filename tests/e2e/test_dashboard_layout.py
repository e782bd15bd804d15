"""The manager dashboard fits the screens it is read on: at 1280 px the employee table shows
every column without scrolling, at 360 px no chart label is drawn smaller than 11 px."""

from __future__ import annotations

from tests.e2e.waits import heading_becomes
from tests.manager.conftest import org  # noqa: F401  (fixture)

# For every chart: the smallest label as drawn on screen (font size × the SVG's scale).
SMALLEST_LABELS = """
return [...document.querySelectorAll('figure.chart svg')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return [svg.querySelector('title').textContent, Math.min(...sizes)];
});
"""


def _dashboard(browser, live_server, width: int) -> None:
    browser.set_window_size(width, 1000)
    browser.get(f"{live_server}/atasan")
    assert heading_becomes(browser, "Dasbor Atasan")


def test_dashboard_table_fits_at_1280_and_labels_stay_readable_at_360(
        live_server, browser, sign_in, org, make_course):
    make_course()
    sign_in(browser, org["manager_a"])

    _dashboard(browser, live_server, 1280)
    region = browser.find_element("css selector", ".table-scroll[aria-labelledby=employees-heading]")
    assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth",
                                  region)
    for header in ("Lewat tenggat", "Kesenjangan"):
        assert browser.find_element("link text", header).is_displayed()
    jp_cell = region.find_element("css selector", "tbody tr td:nth-of-type(6)")
    assert "/" in jp_cell.text
    line = browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)",
                                  jp_cell)
    assert jp_cell.size["height"] < 2 * line  # "0 / 20" on one line

    _dashboard(browser, live_server, 360)
    charts = browser.execute_script(SMALLEST_LABELS)
    assert len(charts) == 3, charts  # units, gap heat-map, course completion
    assert all(smallest >= 11 for _, smallest in charts), charts
