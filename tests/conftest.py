import json

import pytest
from click.testing import CliRunner

from convcalc.cli import main


@pytest.fixture
def run_cli():
    """Invoke the CLI in-process; returns the click Result."""
    runner = CliRunner()

    def run(*args, input=None, env=None):
        return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def run_json(run_cli):
    def run(*args):
        result = run_cli("--json", *args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run
