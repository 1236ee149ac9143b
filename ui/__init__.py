"""The PySide6 desktop application: a thin presentation layer over ``onpoint_desktop``."""
