"""A small valid framework file, as text and as data to break one field at a time."""

import copy

import yaml

SMALL = """\
slug: small-test
version: 1
title: "Small test framework"
publisher: "Test publisher"
published: 2026-11-26
description: |
  A framework small enough to read in a test.
  Two categories, three criteria.
thresholds:
  adequate: 75
  significant_gaps: 40
categories:
  - code: UPL
    title: "Probe images"
    description: "What may be searched."
    criteria:
      - code: UPL-1
        title: "Probe image rules"
        question: "Does a binding policy say which photos may be searched?"
        guidance: "Read the SOP."
        met: "A signed policy lists permitted probe sources."
        partial: "Rules exist but are not binding."
        severity: critical
        red_line: true
        references:
          - source: "DHS Directive 026-11"
            section: "Section 4"
            url: "https://www.dhs.gov/publication/face-recognition"
            note: "Official summary, verified"
      - code: UPL-2
        title: "Probe quality"
        question: "Is there a minimum probe quality?"
        guidance: "Look for a quality threshold."
        met: "A threshold is enforced."
        partial: "A threshold is advised."
        severity: low
        weight: 2
        red_line: false
        references:
          - source: "NISTIR 8271"
            note: "Primary NIST report"
  - code: RET
    title: "Retention"
    description: "How long uploads and results are kept."
    criteria:
      - code: RET-1
        title: "Vendor deletion"
        question: "Must the vendor delete probes after the search?"
        guidance: "Read the contract."
        met: "The contract requires deletion and it is audited."
        partial: "Deletion is promised but not audited."
        severity: high
        red_line: false
        references:
          - source: "OMB M-25-22"
            note: "Secondary summary; check the text"
"""


def small_data() -> dict:
    """A fresh copy of SMALL as data, to change before dumping it again."""
    return copy.deepcopy(yaml.safe_load(SMALL))


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def criterion(data: dict, code: str) -> dict:
    for category in data["categories"]:
        for item in category["criteria"]:
            if item["code"] == code:
                return item
    raise KeyError(code)
