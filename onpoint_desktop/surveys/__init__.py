"""Survey import: from a tool's export to stored responses, in stages each visited once.

    open the source (``readers``) → recognise its layout (``layouts``) → read the rows
    (``table``) → map columns (``columns``) → map answers (``answer_mapping``) → code
    rows (``coding``) → store (``workspace.response_table``)

Each stage reads what the earlier ones made (the header types are in ``header``,
answer reading in ``answers``, memory accounting in ``budget``) and never calls back into
a later one. ``importer`` walks the stages; ``saved_mappings`` keeps mappings as JSON and
holds the one rule for remembering a confirmed mapping; ``reports`` says what was done. A
new kind of file is one new reader. The public API (used by the CLI and the GUI import wizard):

- ``inspect_survey(path, role, instruments=...)`` → ``SurveyPreview``;
- ``import_survey(ws, path, round_id, role, ...)`` → ``ImportSummary``;
- ``ColumnMapping`` (editable, answers included), ``read_mapping`` / ``remember``;
- ``write_template(path, instrument)``: a blank template the app reads back.
"""

from onpoint_desktop.surveys.answer_mapping import AnswerChoice, AnswerMapping, ColumnAnswers
from onpoint_desktop.surveys.columns import MISSING_VALUE, ColumnMapping, ColumnUse
from onpoint_desktop.surveys.importer import import_survey, inspect_survey
from onpoint_desktop.surveys.reports import ImportSummary, SurveyPreview
from onpoint_desktop.surveys.saved_mappings import read_mapping, remember
from onpoint_desktop.surveys.template import write_template

__all__ = [
    "MISSING_VALUE",
    "AnswerChoice",
    "AnswerMapping",
    "ColumnAnswers",
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
