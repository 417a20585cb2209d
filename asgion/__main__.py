"""``python -m asgion``: the same as the ``asgion`` command."""

from asgion_cli.main import main

if __name__ == "__main__":
    main()
