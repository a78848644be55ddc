"""A copy of a shipped site, ingested, with seeded synthetic classifier codings (for review/qdpx tests).

The codings are random on purpose: the review sheet, the import and the REFI-QDA export must carry
any coding through unchanged, whatever the classifier would say.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pandas as pd

from pipeline.coding.codebook import load_codebook
from pipeline.contracts import ARTICLE_FINDINGS_FILE, CODING_COLUMNS, CODINGS_FILE, processed_site_dir, raw_site_dir
from pipeline.corpus.ingest import ingest_site
from pipeline.files import write_csv

PROJECT = Path(__file__).resolve().parents[1]
SITE = "uin-imam-bonjol"
CODER = "keyword-vtest"


def make_coded_site(root: Path, site: str = SITE, *, seed: int = 0, edit=None) -> pd.DataFrame:
    """Copy ``data/raw/<site>`` and the article's findings under ``root``, ingest, write codings.csv.

    ``edit(raw_site_folder)`` may change the raw copy before ingest. Returns the codings written.
    """
    shutil.copytree(raw_site_dir(PROJECT, site), raw_site_dir(root, site))
    (root / ARTICLE_FINDINGS_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / ARTICLE_FINDINGS_FILE, root / ARTICLE_FINDINGS_FILE)
    if edit:
        edit(raw_site_dir(root, site))
    segments = ingest_site(root, site)
    codings = synthetic_codings(segments, load_codebook().code_ids, seed=seed)
    write_csv(processed_site_dir(root, site) / CODINGS_FILE, codings)
    return codings


def synthetic_codings(segments: pd.DataFrame, code_ids, *, seed: int) -> pd.DataFrame:
    """About one informant answer in three gets one to three random codes, with its first word as evidence."""
    rng = random.Random(seed)
    rows = []
    for segment in segments[segments["speaker"] == "informant"].itertuples():
        if rng.random() < 0.35:
            first_word = segment.text.split()[0]
            for code in sorted(rng.sample(list(code_ids), rng.randint(1, 3)), key=list(code_ids).index):
                rows.append((segment.segment_id, code, float(rng.randint(1, 4)), f"{first_word}@0-{len(first_word)}",
                             rng.choice(["practice", "barrier"]), CODER))
    return pd.DataFrame(rows, columns=CODING_COLUMNS)
