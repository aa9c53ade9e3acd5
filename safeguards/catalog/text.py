"""Framework text as prose: the YAML's hard line wraps are not the author's line breaks.

A framework file wraps its long texts at about 100 characters. Read as written, every wrap
would become a line break mid-sentence ("inspectors general, / civil-liberties boards").
A blank line is a paragraph break. A single line break is a space, unless it ends a
paragraph the way hard-wrapped text shows it: the line ends a sentence and stops well short
of the block's longest line (the wrap width), and the next line starts a new sentence.
"""

import re

SHORT_LINE = 0.8  # of the longest line: a sentence ending this early ends its paragraph
_SENTENCE_END = re.compile(r"[.!?:]['\")\]]?$")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of `text`, each on one line."""
    found = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        width = max(len(line) for line in lines)
        current: list[str] = []
        for index, line in enumerate(lines):
            current.append(line)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            ends_early = _SENTENCE_END.search(line) and len(line) < SHORT_LINE * width
            if following and ends_early and following[:1].isupper():
                found.append(" ".join(current))
                current = []
        found.append(" ".join(current))
    return found


def loaded_by_words(loaded_by: str) -> str:
    """Who loaded a framework, without the command line: 'the site's operators (root)'."""
    command = re.fullmatch(r"manage\.py load_frameworks(?: \((.*)\))?", loaded_by or "")
    if command is None:
        return loaded_by
    account = command.group(1)
    return "the site's operators" + (f" (account {account})" if account else "")
