"""Usage mistakes end in one line and exit code 2, through the console script as through CliRunner."""

import subprocess
import sys

from click.testing import CliRunner

from forceplate.cli import cli


def _run(*args):
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True,
                          text=True, timeout=60)


def test_an_unknown_option_is_one_line_naming_the_help_to_read():
    p = _run("analyze", "--bogus")
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "Error: No such option '--bogus'. (see 'forceplate analyze --help')"]
    assert "Traceback" not in p.stderr


def test_an_unknown_command_is_one_line():
    p = _run("nosuch")
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "nosuch" in p.stderr


def test_click_runner_sees_the_same_one_line_usage_error():
    r = CliRunner().invoke(cli, ["analyze", "--bogus"])
    assert r.exit_code == 2
    assert len(r.output.strip().splitlines()) == 1


def test_help_still_exits_zero():
    p = _run("--help")
    assert p.returncode == 0 and "analyze" in p.stdout


def test_port_is_accepted_after_a_device_command_as_the_issue_writes_it():
    for args in (["info", "--port", "/dev/nonexistent-fp"], ["--port", "/dev/nonexistent-fp", "info"]):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 1
        assert "/dev/nonexistent-fp" in r.output and "No such option" not in r.output
