"""Survey import: recognise an export, map its columns to items, read answers, store.

The public API (used by the CLI now and the GUI import wizard):

- ``inspect_survey(path, role)`` → ``SurveyPreview`` (format, mapping, counts, problems);
- ``import_survey(ws, path, round_id, role, ...)`` → ``ImportSummary``;
- ``ColumnMapping`` (editable), ``remember`` / ``read_mapping`` for saved mappings;
- ``write_template(path, role)``: a blank template the app reads back.
"""

from onpoint_desktop.surveys.importer import (
    ImportSummary,
    SurveyPreview,
    import_survey,
    inspect_survey,
)
from onpoint_desktop.surveys.mapping import ColumnMapping, ColumnUse
from onpoint_desktop.surveys.saved_mappings import read_mapping, remember
from onpoint_desktop.surveys.template import write_template

__all__ = [
    "ColumnMapping",
    "ColumnUse",
    "ImportSummary",
    "SurveyPreview",
    "import_survey",
    "inspect_survey",
    "read_mapping",
    "remember",
    "write_template",
]
