"""``python -m supplychain SCENARIO.yaml ...`` runs a scenario (as ``run_scenario.py``);
``python -m supplychain schema`` prints the JSON Schema of the scenario format."""

import json
import sys

from .cli import main
from .scenario import scenario_json_schema

if __name__ == "__main__":
    if sys.argv[1:] == ["schema"]:
        print(json.dumps(scenario_json_schema(), indent=2, sort_keys=True))
        sys.exit(0)
    sys.exit(main())
