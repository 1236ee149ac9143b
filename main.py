"""Launch Onpoint Desktop: ``python main.py [WORKSPACE]``."""

import multiprocessing

from ui.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the packaged app's SPSS reader runs in a child process
    main()
