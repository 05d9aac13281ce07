"""The command line (cppcc_kg.cli): every command is registered and documented, errors are messages."""
from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cppcc_kg.cli import SUBCOMMANDS, load_command, main
from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.errors import EXIT_VALIDATION, ValidationError


def test_every_command_is_listed_with_its_help():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in SUBCOMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_each_command_lives_in_its_own_module_and_has_an_example(name):
    command = load_command(name)
    assert command.callback.__module__ == f"cppcc_kg.cli.{name.replace('-', '_')}"
    assert isinstance(command, click.Command) and command.name == name
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_the_listed_summary_is_the_first_sentence_of_the_help(name):
    assert load_command(name).help.strip().split("\n\n")[0].replace("\n", " ") == SUBCOMMANDS[name]


def test_listing_the_commands_imports_none_of_them():
    code = ("import sys; from click.testing import CliRunner; from cppcc_kg.cli import main; "
            "CliRunner().invoke(main, ['--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('cppcc_kg.')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # the group and what every command shares (click and the standard library): no command
    assert proc.stdout.strip() == "['cppcc_kg.cli', 'cppcc_kg.cli.common', 'cppcc_kg.errors']"


def test_python_m_runs_the_same_command_line():
    proc = subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "build" in proc.stdout


def test_errors_become_a_message_and_their_exit_code():
    @click.command()
    @click.argument("what")
    def fails(what):
        with exit_on_error(path="input.ttl"):
            if what == "invalid":
                raise ValidationError("2 problem(s)", hint="fix the data")
            raise PermissionError(13, "Permission denied")

    r = CliRunner().invoke(fails, ["invalid"])
    assert r.exit_code == EXIT_VALIDATION and r.output.startswith("error: 2 problem(s)\n  -> fix the data")
    r = CliRunner().invoke(fails, ["unreadable"])
    assert r.exit_code == 2 and r.output == "error: input.ttl: Permission denied\n"
    assert "Traceback" not in r.output
