"""Onpoint Desktop core: framework, scoring, district workspaces, surveys, reports, bundles.

Everything here runs without a screen; the Qt application in ``ui/`` only presents it.
"""

__version__ = "0.1.0"
APP_NAME = "Onpoint Desktop"
