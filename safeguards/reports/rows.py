"""The report views' assessment row, read in SQL written out once per process (reviews'
row_sql) with what the views ask next: whether the member may see only public versions,
whether the assessment has frozen versions, and for a frozen PDF its bytes."""

from safeguards.accounts.models import Office
from safeguards.catalog.models import Framework, FrameworkVersion
from safeguards.restricted.marks import public_only_sql
from safeguards.reviews.models import Assessment, Deployment
from safeguards.reviews.row_sql import Extra, Part, RowSQL, column, quote

from .models import ReportVersion

# versions.choice reads it instead of a query of its own.
VIEWER = Extra("viewer_public_only", public_only_sql, params=("user_id",), convert=bool)


def _versions_sql(alias: str) -> str:
    return (
        f"SELECT COUNT(*) FROM {quote(ReportVersion._meta.db_table)} v"
        f" WHERE {column(ReportVersion, 'assessment', 'v')} = {column(Assessment, 'pk', alias)}"
    )


def _pdf_sql(alias: str) -> str:
    return (
        f"SELECT {column(ReportVersion, 'pdf', 'v')} FROM {quote(ReportVersion._meta.db_table)} v"
        f" WHERE {column(ReportVersion, 'assessment', 'v')} = {column(Assessment, 'pk', alias)}"
        f" AND {column(ReportVersion, 'number', 'v')} = %s"
    )


def _bytes(value) -> bytes | None:
    return None if value is None else bytes(value)  # PostgreSQL's drivers give a memoryview


# As data.REPORT_ASSESSMENTS reads it: with what the report shows of its office, deployment
# and framework, not the framework's YAML source (tens of kilobytes).
CURRENT = RowSQL(
    Part(Assessment),
    related=(
        Part(Office, "office"),
        Part(Deployment, "deployment"),
        Part(FrameworkVersion, "framework_version", defer=("source_text", "description")),
        Part(Framework, "framework_version__framework"),
    ),
    extras=(VIEWER, Extra("report_version_count", _versions_sql)),
)

# A frozen version's downloads name the file after the deployment.
FROZEN = RowSQL(
    Part(Assessment),
    related=(Part(Deployment, "deployment", ("name",)),),
    extras=(VIEWER,),
)

# The frozen PDF (the approvers' download) with its bytes, None when there is no such version.
FROZEN_PDF = RowSQL(
    Part(Assessment),
    related=(Part(Deployment, "deployment", ("name",)),),
    extras=(VIEWER, Extra("version_pdf", _pdf_sql, ("number",), _bytes)),
)
