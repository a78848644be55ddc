"""The data contracts between stages: one place for every column name and path.

Stages import these names instead of spelling columns and folders themselves, so a contract changes
in one place. See ``docs/design.md`` ("Data contracts") for what each column means.
"""

from __future__ import annotations

from pathlib import Path

# --- data/raw/<site>/ ---------------------------------------------------------------------------
INFORMANTS_FILE = "informants.csv"
STUDY_FILE = "study.yaml"
TRANSCRIPTS_DIR = "transcripts"
INFORMANT_COLUMNS = ["informant_id", "role", "transcript", "language"]  # required; others optional
ROLES = ("librarian", "patron")
LANGUAGES = ("id", "en")

# --- data/processed/<site>/ ---------------------------------------------------------------------
SEGMENTS_FILE = "segments.csv"
CODINGS_FILE = "codings.csv"
HUMAN_CODINGS_FILE = "human_codings.csv"  # codings.csv contract, one coder per human; see pipeline.report.review
REVIEW_SHEET_FILE = "review_sheet.csv"  # blank sheet for human coders (seci review-sheet)
CLEANED_DIR = "transcripts"  # cleaned, de-identified transcripts: segment offsets point into these
SEGMENT_COLUMNS = [
    "segment_id", "site", "informant_id", "role", "speaker", "turn", "question", "lang",
    "text", "start", "end", "start_time", "end_time",
]  # start_time, end_time: HH:MM:SS.mmm in the recording (.vtt, .srt); empty for formats without times
SPEAKERS = ("informant", "interviewer")
CODING_COLUMNS = ["segment_id", "code_id", "score", "matched", "status", "coder"]
STATUSES = ("practice", "barrier")
RUN_RECORD_FILE = "run_record.json"  # what seci run last did per stage (here, and reports/ for the cross-site report)
CLASSIFIER_CODER_PREFIX = "keyword-"  # the classifier's coder names: keyword-<codebook name>-v<version>-<8 hex of its content>

# --- reports/<site>/ ------------------------------------------------------------------------------
INDEX_FILE = "index.html"
MANIFEST_FILE = "manifest.json"
QDPX_FILE = "project.qdpx"
FIGURES_DIR = "figures"  # where the notebooks save figures and tables, inside the report folder
TABLES_DIR = "tables"

# --- the four SECI modes: fixed code ids ---------------------------------------------------------
SECI_MODES = ("socialization", "externalization", "combination", "internalization")

# --- agreement: bootstrap intervals (seci agreement, 06_validation) ------------------------------
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
CI_LEVEL = 0.95

# --- limits on input: checked before the work they protect (README "Limits", docs/design.md) --------
MAX_INPUT_BYTES = 10_000_000      # a transcript, informants.csv or names file, as stored
MAX_UNZIPPED_BYTES = 50_000_000   # the document XML inside a .docx or .odt
MAX_ZIP_RATIO = 100               # uncompressed / compressed size of that XML (a zip bomb exceeds it)
MAX_XML_DEPTH = 100               # elements nested in that XML
MAX_LINE_CHARS = 100_000          # a line (or paragraph, cue, CSV cell) of a transcript or table
MAX_TURNS = 10_000                # turns in one transcript
MAX_MARK_NESTING = 8              # transcription marks inside marks ("(laughs (laughs))") removed per turn
MAX_YAML_BYTES = 2_000_000        # study.yaml, a codebook, the reference findings
MAX_YAML_DEPTH = 20               # mappings and lists nested in a YAML file (aliases followed)
MAX_YAML_VALUES = 100_000         # values in a YAML file, every alias counted as a copy
MAX_CODES = 500                   # codes in a codebook
MAX_TERMS = 20_000                # keywords and barrier cues in a codebook
MAX_TERM_CHARS = 100              # characters in one keyword or cue
MAX_WEIGHT = 1_000                # thresholds and keyword weights: positive, at most this
MAX_BARRIER_WINDOW = 1_000        # barrier.window, in tokens
# --- limits on what users hand the commands (README, "The command line"); checked before any work --
MAX_TEXT_CHARS = 10_000_000  # a line, or a field, of a CSV / TSV / JSON Lines input (a text of about 10 MB)
MAX_WORKERS = 32  # seci classify --workers
MAX_SEED = 2**32 - 1  # seci agreement --seed
MAX_RESAMPLES = 1_000_000  # seci agreement --resamples, and within BOOTSTRAP_MEMORY for the data given
BOOTSTRAP_MEMORY = 1 << 30  # bytes the bootstrap's arrays may take (1 GiB)

# --- folders --------------------------------------------------------------------------------------
RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")
REPORTS_DIR = Path("reports")
REFERENCE_DIR = Path("data/reference")
ARTICLE_FINDINGS_FILE = REFERENCE_DIR / "article_findings.yaml"
REFERENCE_CODINGS_FILE = "reference_codings.csv"  # data/reference/<site>/: a site's reference coding, codings.csv columns
SECI_CORPUS_FILE = REFERENCE_DIR / "seci_corpus" / "passages.csv"  # labelled SECI passages, split dev | test1 | test2 | test3 | test4
SECI_CORPUS_SCORED_SPLITS = ("test1", "test2", "test3", "test4")  # held out when scored, each once: its score kept in <split>_score.json
SECI_CORPUS_SPLITS = ("dev", *SECI_CORPUS_SCORED_SPLITS)  # the last is the held-out split, the others development data
SECI_CORPUS_SPLIT_CHOICES = ("development", *SECI_CORPUS_SPLITS)  # "development": every split but the held-out one
NOTEBOOKS_DIR = Path("notebooks")
CROSS_SITE_NOTEBOOK = "07_cross_site.ipynb"  # every site side by side: run once for all sites, not per site
DEFAULT_CODEBOOK = Path(__file__).parent / "codebooks" / "seci.yaml"


def raw_site_dir(root: Path, site: str) -> Path:
    return Path(root) / RAW_DIR / site


def processed_site_dir(root: Path, site: str) -> Path:
    return Path(root) / PROCESSED_DIR / site


def reference_codings_path(root: Path, site: str) -> Path:
    return Path(root) / REFERENCE_DIR / site / REFERENCE_CODINGS_FILE


def reports_site_dir(root: Path, site: str) -> Path:
    return Path(root) / REPORTS_DIR / site


def list_sites(root: Path) -> list[str]:
    """Every site under ``data/raw/``: a folder holding an ``informants.csv``, sorted by name."""
    raw = Path(root) / RAW_DIR
    return sorted(p.name for p in raw.iterdir() if (p / INFORMANTS_FILE).is_file()) if raw.is_dir() else []
