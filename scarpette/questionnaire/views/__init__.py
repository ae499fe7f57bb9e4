"""Questionnaire pages, one module per audience: the operator's assisted mode (assisted), the
take-home summary (summary), the administrators' form versions (form_versions) and the woman on
the tablet (tablet); `common` holds what the operator's pages and the tablet share."""

from scarpette.questionnaire.views.assisted import (
    handback,
    session_page,
    session_rerun,
    session_result,
    session_start,
    session_tablet_code,
)
from scarpette.questionnaire.views.form_versions import (
    form_version_diff,
    form_version_download,
    form_version_preview,
    form_version_publish,
    form_versions,
)
from scarpette.questionnaire.views.summary import summary_page, summary_pdf, summary_preview
from scarpette.questionnaire.views.tablet import TABLET_KEY, tablet, tablet_exit, tablet_pause

__all__ = [
    "TABLET_KEY",
    "form_version_diff",
    "form_version_download",
    "form_version_preview",
    "form_version_publish",
    "form_versions",
    "handback",
    "session_page",
    "session_rerun",
    "session_result",
    "session_start",
    "session_tablet_code",
    "summary_page",
    "summary_pdf",
    "summary_preview",
    "tablet",
    "tablet_exit",
    "tablet_pause",
]
