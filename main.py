"""Launch Onpoint Desktop: ``python main.py [WORKSPACE]``."""

from ui.app import main

if __name__ == "__main__":
    main()
