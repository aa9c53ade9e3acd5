"""Freezing a report at approval (implemented by the reports work)."""


def freeze_report(assessment, approved_by):
    """Assemble, render and store the approved report as the assessment's next version.

    Called by the approval step inside its transaction; returns the new ReportVersion.
    """
    raise NotImplementedError("Report freezing is not built yet.")
