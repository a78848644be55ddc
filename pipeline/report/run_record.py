"""What ``seci run`` last did, stage by stage, so that a rerun redoes only what changed.

A stage reads some files and writes others: a site's ``ingest``, its ``code``, each of its notebooks
(``01_corpus`` ...), its ``report`` (viewer, review sheet, REFI-QDA project, ``index.html``,
``manifest.json``); for all sites together, ``07_cross_site`` and ``index`` (``reports/index.html``).
For each, the record holds one SHA-256 of everything the stage reads (the contents of its files, never
their times; the pipeline's version and a hash of its source; the versions of the packages the
manifest lists; its parameters) and the SHA-256 of every file it wrote. A stage is skipped when its
inputs hash as recorded and every file it wrote is still there with its recorded hash; anything else
(an edited input, a deleted or edited output, new code, ``--force``) redoes it.

The record of a site is ``data/processed/<site>/run_record.json``; that of the cross-site report and
``reports/index.html`` is ``reports/run_record.json``. Each is written atomically: a stage is taken out
of it before its outputs are replaced, and put back only once its new outputs are in their final place,
so a run that fails or is killed at any moment leaves a record whose every claim holds (and each claim
is checked against the files anyway before a stage is skipped). A record that cannot be read counts as
empty: everything is redone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path

import pipeline
from pipeline.contracts import (
    ARTICLE_FINDINGS_FILE, CLEANED_DIR, CODINGS_FILE, DEFAULT_CODEBOOK, REFERENCE_DIR, REPORTS_DIR, RUN_RECORD_FILE,
    SEGMENTS_FILE, STUDY_FILE, processed_site_dir, raw_site_dir,
)
from pipeline.files import is_temporary, write_text


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def digest(value) -> str:
    """One SHA-256 of a JSON-able value (keys sorted): the hash of a stage's inputs."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def folder_hashes(folder: Path, base: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``folder`` by its path relative to ``base``; no record, no temporary."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not is_temporary(p)
                   and p.name != RUN_RECORD_FILE) if folder.is_dir() else []
    return {path.relative_to(base).as_posix(): sha256_of(path) for path in files}


@functools.cache
def pipeline_fingerprint() -> dict:
    """What the code that writes every output is: seci-kit's version, a hash of its source (so that editing
    the code counts as a change), Python's version and the versions of the packages the manifest records."""
    from pipeline.report.manifest import package_versions

    package = Path(pipeline.__file__).parent
    source = {path: sha for path, sha in folder_hashes(package, package).items()
              if "__pycache__" not in path and not path.endswith(".pyc")}
    return {"seci_kit": pipeline.__version__, "source": digest(source), "python": platform.python_version(),
            "packages": package_versions()}


@dataclass
class RunRecord:
    """The stages of one site (or of the cross-site report) as the last successful run left them.

    ``stages`` maps a stage to ``{"inputs": <digest>, "outputs": {<path in the project>: <sha256>}}``.
    """

    root: Path
    path: Path
    stages: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, path: Path) -> RunRecord:
        try:
            stages = json.loads(path.read_text(encoding="utf-8"))["stages"]
            if not isinstance(stages, dict):
                raise TypeError
        except (OSError, ValueError, KeyError, TypeError):
            stages = {}
        return cls(Path(root), Path(path), stages)

    def fresh(self, stage: str, inputs: str) -> bool:
        """Whether ``stage`` was done from these inputs and every file it wrote is there, unchanged."""
        done = self.stages.get(stage)
        if not isinstance(done, dict) or done.get("inputs") != inputs or not isinstance(done.get("outputs"), dict):
            return False
        return all((self.root / path).is_file() and sha256_of(self.root / path) == sha
                   for path, sha in done["outputs"].items())

    def outputs(self, stage: str) -> list[str]:
        """The files ``stage`` wrote, as paths in the project."""
        return sorted(self.stages.get(stage, {}).get("outputs", {}))

    def done(self, stage: str, inputs: str, outputs: dict[str, str]) -> None:
        """Note that ``stage`` was done from ``inputs`` and wrote ``outputs`` (path in the project: SHA-256)."""
        self.stages[stage] = {"inputs": inputs, "outputs": dict(sorted(outputs.items()))}

    def withdraw(self, stages: list[str]) -> None:
        """Forget ``stages`` on disk too, before their outputs are replaced: a run killed while it
        replaces them leaves a record in which every claim still holds."""
        if any(stage in self.stages for stage in stages):
            self.stages = {name: done for name, done in self.stages.items() if name not in stages}
            self.save()

    def save(self) -> None:
        """Atomically; call only once the outputs it describes are in their final place."""
        write_text(self.path, json.dumps({"stages": self.stages}, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def site_record(root: Path, site: str) -> RunRecord:
    return RunRecord.load(root, processed_site_dir(root, site) / RUN_RECORD_FILE)


def cross_site_record(root: Path) -> RunRecord:
    return RunRecord.load(root, Path(root) / REPORTS_DIR / RUN_RECORD_FILE)


@dataclass(frozen=True)
class SiteInputs:
    """What a site's stages read besides what its earlier stages wrote, hashed once: its raw files, the names
    its ``study.yaml`` pseudonymises (a names file may lie outside the site), its codebook, and its
    reference files (the findings ``reference:`` names, the article's findings, ``data/reference/<site>/``)."""

    root: Path
    site: str
    raw: dict[str, str]
    pseudonyms: list[tuple[str, str]]
    codebook: str
    references: dict[str, str]

    @classmethod
    def read(cls, root: Path, site: str) -> SiteInputs:
        from pipeline.corpus.study_config import load_study_config

        root = Path(root)
        config = load_study_config(raw_site_dir(root, site))
        references = folder_hashes(root / REFERENCE_DIR / site, root)
        for path in (config.reference, root / ARTICLE_FINDINGS_FILE):
            if path is not None and Path(path).is_file():
                references[_in_project(Path(path), root)] = sha256_of(path)
        return cls(root, site, folder_hashes(raw_site_dir(root, site), root), sorted(config.pseudonyms.items()),
                   sha256_of(config.codebook or DEFAULT_CODEBOOK), references)

    def ingest(self) -> str:
        return digest({"stage": "ingest", "site": self.site, "raw": self.raw, "pseudonyms": self.pseudonyms,
                       "pipeline": pipeline_fingerprint()})

    def code(self) -> str:
        """Reads ``segments.csv`` as it is now: call after ingest."""
        segments = processed_site_dir(self.root, self.site) / SEGMENTS_FILE
        study = (raw_site_dir(self.root, self.site) / STUDY_FILE).relative_to(self.root).as_posix()
        return digest({"stage": "code", "site": self.site, "study": self.raw.get(study),
                       "segments": sha256_of(segments) if segments.is_file() else None,
                       "codebook": self.codebook, "pipeline": pipeline_fingerprint()})

    def study(self) -> str:
        """Everything a notebook or a report page of the site reads, ``data/processed/`` as it is now: call after code."""
        return digest({"site": self.site, "raw": self.raw, "codebook": self.codebook, "references": self.references,
                       "processed": folder_hashes(processed_site_dir(self.root, self.site), self.root),
                       "pipeline": pipeline_fingerprint()})


def _in_project(path: Path, root: Path) -> str:
    """A path as the project names it, so that a copy of the project has the same record."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def ingest_outputs(root: Path, site: str) -> dict[str, str]:
    """``segments.csv`` and the cleaned transcripts, as :func:`pipeline.corpus.ingest.write_site` left them."""
    processed = processed_site_dir(root, site)
    return {**folder_hashes(processed / CLEANED_DIR, root),
            (processed / SEGMENTS_FILE).relative_to(root).as_posix(): sha256_of(processed / SEGMENTS_FILE)}


def code_outputs(root: Path, site: str) -> dict[str, str]:
    path = processed_site_dir(root, site) / CODINGS_FILE
    return {path.relative_to(root).as_posix(): sha256_of(path)}


REPORT_STAGE = "report"  # a site's viewer, review sheet, REFI-QDA project, index.html and manifest.json


def notebook_inputs(study: str, notebook: Path, parameters: dict) -> str:
    """A site notebook reads the site (``study``: :meth:`SiteInputs.study`), its own source and its parameters."""
    return digest({"stage": notebook.stem, "study": study, "notebook": sha256_of(notebook), "parameters": parameters})


def report_inputs(study: str, lang: str, notebooks: dict[str, str]) -> str:
    """A site's report pages read the site and list what every notebook wrote (itself a function of the
    notebook's inputs)."""
    return digest({"stage": REPORT_STAGE, "study": study, "lang": lang, "notebooks": notebooks})
