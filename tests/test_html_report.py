"""report.html (docs/model.md §6): a self-contained page, checked as text and in a real browser.

The tiny example (scenarios/tiny-export-controls.yaml) loses 43.75 of China's 50 units of
compute per week (87.5 %) and 56.25 of the world's 150 (37.5 %): the headline says so in words.
The browser test renders the page with Debian's Chromium, headless; where Chromium is absent
it skips, except under CI (the CI environment variable set), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import supplychain as sc
from supplychain.html_report import render_report


@pytest.fixture(scope="module")
def tiny_run() -> sc.StressResult:
    return sc.run_scenario(None, "tiny-export-controls", progress=False)


@pytest.fixture(scope="module")
def page(tiny_run: sc.StressResult) -> str:
    return render_report(tiny_run)


def test_the_headline_is_in_words_with_units(page: str) -> None:
    assert "China loses 87.5 % of the AI compute it would bring online per week: 43.75 of 50 units." in page
    assert "The world loses 37.5 % of the AI compute it would bring online per week: 56.25 of 150 units." in page


def test_the_page_is_self_contained_and_holds_its_charts(page: str) -> None:
    assert not re.search(r"""<(script|link|img|iframe)\b""", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert page.count("<svg") >= 1
    assert "<h2>The scenario as written</h2>" in page
    assert "name: tiny-export-controls" in page  # the file itself, escaped into a <pre>


def test_the_page_is_reproducible(tiny_run: sc.StressResult, page: str) -> None:
    assert render_report(tiny_run) == page


def test_write_reports_writes_it_beside_the_csv_files(tmp_path: Path, tiny_run: sc.StressResult, page: str) -> None:
    folder = sc.write_reports(tiny_run, tmp_path / "out")
    assert (folder / "report.html").read_text(encoding="utf-8") == page


def test_user_text_is_escaped(tmp_path: Path) -> None:
    scen = sc.Scenario.model_validate(
        {"name": "esc", "network": "tiny", "description": "<script>alert(1)</script> & more"}
    )
    html = render_report(sc.stress(None, scen))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_the_report_renders_in_a_browser(tmp_path: Path, tiny_run: sc.StressResult) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must render report.html in Chromium: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI runs this test")
    folder = sc.write_reports(tiny_run, tmp_path / "out")
    url = (folder / "report.html").resolve().as_uri()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "China loses 87.5 % of the AI compute it would bring online per week" in dom.stdout
    assert "<svg" in dom.stdout
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1000,1400", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)[..., :3]
    inked = (pixels.min(axis=2) < 0.9).mean()  # share of pixels that are not (near) white
    assert 0.01 < inked < 0.9, f"the screenshot looks blank or flooded ({inked:.3f} of pixels inked)"
    colours = {tuple(p) for p in (pixels[::7, ::7] * 255).astype(int).reshape(-1, 3).tolist()}
    assert len(colours) > 20  # text, bars of several colours, backgrounds
