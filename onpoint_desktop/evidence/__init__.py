"""Evidence from the visit beside the score (SPEC §12): classroom walkthroughs on the Core
Four, the district's own ratings, and KnowledgeWorks' conditions for scale and readiness.

None of it enters the Onpoint score. The instruments are resource files
(``resources/evidence/``) validated by :mod:`.instruments`; the profiles the CLI, GUI,
report and HQ show are computed once, in :mod:`.profiles`.
"""
