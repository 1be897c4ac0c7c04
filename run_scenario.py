#!/usr/bin/env python3
"""Run a scenario file and write its reports: ``python run_scenario.py scenarios/NAME.yaml``.

The same as the ``run-scenario`` console command; see ``--help``.
"""

import sys

from supplychain.cli import main

if __name__ == "__main__":
    sys.exit(main())
