"""``python -m supplychain SCENARIO.yaml ...`` runs a scenario (as ``run_scenario.py``);
``python -m supplychain schema`` prints the JSON Schema of the scenario format."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
