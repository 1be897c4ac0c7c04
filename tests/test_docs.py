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
