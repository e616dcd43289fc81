"""`reviewed FILE...`: record that translated files were checked against their source text."""
from __future__ import annotations

from pathlib import Path

from .. import invocation
from ..content.source import read_text, split_front_matter
from ..content.translation import HASH_LINE, source_hash, source_language


def mark_reviewed(content_dir, files, progress) -> int:
    """Record the current version of the source text in each translation named. Each file's
    original is looked for beside it (../<source language>/ of its folder, the first language
    of that publication.yaml), whatever --content says."""
    if not files:
        progress.warn(f"name the translated files you have checked against the source text, "
                      f"e.g. {invocation.command()} reviewed content/en/01-pim.md")
        return 2
    for path in (Path(f) for f in files):
        root = path.resolve().parent.parent
        if not (root / "publication.yaml").is_file():
            root = Path(content_dir).resolve()
        original = root / source_language(root) / path.name
        pl_meta, pl_body, _ = split_front_matter(read_text(original, str(original), root),
                                                str(original))
        text = read_text(path, str(path))
        split_front_matter(text, str(path))          # the English file must be well formed
        stamp = f"source-hash: {source_hash(pl_meta, pl_body)}"
        head, sep, rest = text.partition("\n---")
        if HASH_LINE.search(head):
            head = HASH_LINE.sub(stamp, head, count=1)
        else:
            head = head + "\n" + stamp
        path.write_text(head + sep + rest, encoding="utf-8")
        progress.info(f"{path}: marked as reviewed against {original} ({stamp})")
    return 0

