"""``python -m oncall``: the same as the ``oncall`` command."""

from oncall.cli import command

command()
