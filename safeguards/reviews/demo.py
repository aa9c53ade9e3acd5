"""Demo content for `make run`: the border agency's face-recognition contract, assessed."""


def create_demo_content(office, users) -> str:
    """Create the demo deployment and assessment once; return what was created ('' if nothing)."""
    return ""
