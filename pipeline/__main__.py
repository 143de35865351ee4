"""``python -m pipeline`` runs the command line."""

from .cli.commands import main

if __name__ == "__main__":  # (not again in a process spawned from it, which imports this)
    main()
