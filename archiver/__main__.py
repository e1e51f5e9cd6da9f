"""`python -m archiver` and the `archiver` command: the command line, stoppable while it loads."""

import signal
import sys


def main() -> None:
    """Run the command line; Ctrl-C or SIGTERM while it is still loading exits 130 or 143 too."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        from archiver.cli import main as run
    except KeyboardInterrupt:
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
