"""Translation units: segments, per-text staleness, XLIFF/PO exchange files and Word documents
in (docs/translation.md, docs/word-import.md). A layer after render/ (the texts are read with
its Markdown front end); check and the build report its staleness, and the commands
`reviewed`, `translation export|import` and `import FILE.docx` (commands/) use it.

segments.py   the translation units of the Markdown (the project's own markdown-it front end)
              and of the {pl:, en:} texts of the YAML files, with protected placeholders
records.py    what each translation was last reviewed against (content/<lang>/.reviewed/),
              the alignment that keeps ids stable, the stale / new / deleted units
staleness.py  the stale, new and orphaned texts, as check and the build report them
exchange.py   the units as XLIFF 2 (lxml), XLIFF 1.2 (translate-toolkit) and PO (polib), and back
writeback.py  the English written into the Markdown and YAML at the recorded places only
docx.py       a Word document into a section's Markdown (pandoc from pypandoc-binary)
"""
