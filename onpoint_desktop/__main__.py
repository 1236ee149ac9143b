import multiprocessing

from onpoint_desktop.cli import main

# Guarded: the SPSS reader's child process (spawned) imports this module again.
if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
