"""The builder's exceptions: one hierarchy, one exit code per kind.

A BrochureError is an expected failure the user can act on: the command prints its diagnostic
and exits with its code (2: the input, the content or an output folder must be fixed). Any
other exception is a bug in the builder: exit 1, "internal error".
"""
from __future__ import annotations

from .diagnostics import ERROR, Diagnostic, one_line

EXIT_INPUT = 2        # bad input or an output that cannot be written: the message says where
EXIT_INTERNAL = 1     # a bug in the builder
EXIT_INTERRUPTED = 130


class BrochureError(Exception):
    """A failure the user can act on. `nothing_written`: the outputs were left as they were
    (the command says so after the message)."""
    exit_code = EXIT_INPUT
    nothing_written = True

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(None, None, ERROR, str(self))


class ContentError(BrochureError):
    """A problem in the content that the editor must fix, at a file and line."""

    def __init__(self, file, line, message):
        file, message = one_line(file), one_line(message)
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message

    def __reduce__(self):               # raised in a worker process, read in the build's
        return type(self), (self.file, self.line, self.message)

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.file, self.line, ERROR, self.message)


class TypesetError(BrochureError):
    """WeasyPrint could not make the PDF; the message says why."""


class EditionTimeout(BrochureError):
    """Rendering or typesetting an edition took longer than allowed."""


class OutputError(BrochureError):
    """An output could not be written; the message says which, why and what changed."""
    nothing_written = False


class OutputRefused(BrochureError):
    """The output folder may not be used (/, the home or content folder, files this tool did
    not write, another build at work in it); nothing was read or written."""


class ContentErrors(BrochureError):
    """Several content errors found at once (each a Diagnostic)."""

    def __init__(self, diagnostics):
        super().__init__("; ".join(str(d) for d in diagnostics))
        self.diagnostics = list(diagnostics)

    def __reduce__(self):               # raised in a worker process, read in the build's
        return type(self), (self.diagnostics,)
