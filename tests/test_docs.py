"""The README's promises hold: its network reference matches the schema, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from supplychain.schema import markdown_reference

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_network_reference_matches_schema() -> None:
    """The column tables between the schema markers are exactly what schema.py generates."""
    block = re.search(r"<!-- schema:begin[^>]*-->\n(.*?)<!-- schema:end -->", README, re.S)
    assert block is not None, "README lost its schema markers"
    assert block.group(1) == markdown_reference(), (
        "README network reference is stale: regenerate it from supplychain.schema.markdown_reference()"
    )


def test_readme_opens_with_the_two_commands() -> None:
    """The first code block holds exactly two commands: install-and-run, install-and-test."""
    first = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first is not None
    commands = [line for line in first.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    run, test = commands
    scenario = re.search(r"(scenarios/\S+\.yaml)", run)
    assert scenario
    assert (ROOT / scenario.group(1)).exists()
    assert "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command verbatim."""
    first = re.search(r"```bash\n(.*?)```", README, re.S)
    test = [line for line in first.group(1).splitlines() if line.strip()][1]
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_notebook_examples_run() -> None:
    """The ``>>>`` examples of the README's notebook section print what the README shows."""
    import doctest

    import pandas as pd

    section = README[README.index("## In a notebook") : README.index("\n## ", README.index("## In a notebook") + 3)]
    blocks = [b for b in re.findall(r"```python\n(.*?)```", section, re.S) if ">>>" in b]
    assert len(blocks) >= 2, "the README's notebook section lost its examples"
    setup = (
        "import supplychain as sc\n"
        "net = sc.read_network('tiny')\n"
        "scen = sc.read_scenario('tiny-export-controls')\n"
        "res = sc.stress(net, scen)\n"
    )
    globs: dict = {}
    exec(setup, globs)
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        for k, block in enumerate(blocks):
            test = parser.get_doctest(block, globs, f"README notebook example {k}", "README.md", 0)
            runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README example(s) print something else (see above)"
