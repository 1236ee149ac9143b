"""One family of errors whose messages speak to the consultant.

Every message is a sentence that says what went wrong, where (file, row, column,
field) and, when it helps, what to do. The CLI prints it and exits non-zero; the GUI
shows it in a dialog. Programming errors are not ``OnpointError`` and stay tracebacks.
"""

from __future__ import annotations


class OnpointError(Exception):
    """Base class for every error a user can act on."""


class ResourceError(OnpointError):
    """A shipped or imported resource file (framework, model, benchmark...) is malformed."""


class WorkspaceError(OnpointError):
    """A district workspace cannot be opened, created or written."""


class DamagedWorkspaceError(WorkspaceError):
    """The workspace file is damaged; a backup may be restored (see ``workspace.backup``)."""

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class InputError(OnpointError):
    """A value given by the user (area, level, round, stage...) is not acceptable."""


class SurveyImportError(OnpointError):
    """A survey file cannot be imported; nothing was changed."""


class BundleError(OnpointError):
    """A sync bundle or benchmark pack cannot be written, verified or merged."""


class Cancelled(OnpointError):
    """Long work was cancelled by the user; nothing was changed."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class ReportError(OnpointError):
    """A report cannot be written where asked; no file was left behind."""
