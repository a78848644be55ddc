"""``manifest.json``: what a report was made from and what it holds, by SHA-256, with no times."""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.contracts import (
    ARTICLE_FINDINGS_FILE, MANIFEST_FILE, PROCESSED_DIR, RUN_RECORD_FILE, processed_site_dir, raw_site_dir,
)
from pipeline.files import is_temporary, write_text
from pipeline.report.notebooks import find_notebooks

if TYPE_CHECKING:
    from pipeline.coding.codebook import Codebook
    from pipeline.report.run import StagedSite

# What manifest.json records the versions of: everything that shapes an output.
RECORDED_PACKAGES = (
    "seci-kit", "pandas", "numpy", "matplotlib", "nltk", "PySastrawi", "PyYAML", "papermill", "nbconvert",
    "nbclient", "nbformat", "ipykernel", "krippendorff", "scikit-learn", "lxml",
)


def write_manifest(root: Path, staged: StagedSite) -> None:
    record = manifest(root, staged.site, staged.lang, staged.study.codebook, staged.staging)
    write_text(staged.staging / MANIFEST_FILE, json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def manifest(root: Path, site: str, lang: str, codebook: Codebook, out_dir: Path) -> dict:
    """What this report was made from and what it holds, by SHA-256; no times, so reruns match."""
    root = Path(root)
    inputs = sorted(p for p in raw_site_dir(root, site).rglob("*") if p.is_file())
    inputs += find_notebooks(root)
    inputs += [root / ARTICLE_FINDINGS_FILE] if (root / ARTICLE_FINDINGS_FILE).is_file() else []
    codebook_path = Path(codebook.source)
    processed = sorted(p for p in processed_site_dir(root, site).rglob("*")
                       if p.is_file() and not is_temporary(p) and p.name != RUN_RECORD_FILE)
    outputs = sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != MANIFEST_FILE and not is_temporary(p))
    return {
        "site": site,
        "report_lang": lang,
        "seci_kit": __version__,
        "python": platform.python_version(),
        "codebook": {"name": codebook.name, "version": codebook.version,
                     **_file_record(codebook_path, _project_relative(codebook_path, root))},
        "packages": package_versions(),
        "inputs": [_file_record(p, _project_relative(p, root)) for p in inputs],
        "processed": [_file_record(p, p.relative_to(root / PROCESSED_DIR / site).as_posix()) for p in processed],
        "outputs": [_file_record(p, p.relative_to(out_dir).as_posix()) for p in outputs],
    }


def _file_record(path: Path, shown: str) -> dict:
    data = path.read_bytes()
    return {"path": shown, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _project_relative(path: Path, root: Path) -> str:
    """Inputs by their path in the project; the packaged codebook by its path in the package."""
    path = path.resolve()
    for base in (root.resolve(), Path(__file__).resolve().parent.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.name


def package_versions() -> dict[str, str]:
    return {name: _version(name) for name in RECORDED_PACKAGES}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
