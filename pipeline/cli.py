"""The ``seci`` command line (also ``python -m pipeline``).

Every sub-command is declared here, and each handler imports the stage it runs only when it runs,
so ``seci --help`` answers without loading pandas, the classifier or the notebook tools. No stage
imports this module. A :class:`~pipeline.errors.SeciError` becomes its one-line message and exit
status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from pipeline import __version__
from pipeline.contracts import (
    BOOTSTRAP_MEMORY,
    CI_LEVEL,
    CODINGS_FILE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    HUMAN_CODINGS_FILE,
    INFORMANTS_FILE,
    LANGUAGES,
    MAX_RESAMPLES,
    MAX_SEED,
    MAX_TEXT_CHARS,
    MAX_WORKERS,
    RAW_DIR,
    SECI_CORPUS_SPLIT_CHOICES,
    SEGMENTS_FILE,
    STUDY_FILE,
    TRANSCRIPTS_DIR,
    list_sites,
    processed_site_dir,
)
from pipeline.errors import InputError, SeciError
from pipeline.words import report_languages

# --- the options several commands share ------------------------------------------------------------


def add_site_arguments(parser: argparse.ArgumentParser, *, help_site: str = "") -> None:
    """The options every site-level command shares: the project root and the site(s)."""
    parser.add_argument("--root", default=".", help="project folder holding data/ (default: the current folder)")
    parser.add_argument(
        "--site", action="append", dest="sites", metavar="SITE",
        help=help_site or "a folder under data/raw/ (repeatable; default: every site there)",
    )


def selected_sites(args: argparse.Namespace) -> list[str]:
    """The sites named with ``--site``, or every site under ``data/raw/``; an unknown site is an error.

    A trailing slash is dropped: shell completion of ``data/raw/`` folder names adds one.
    """
    available = list_sites(Path(args.root))
    args.sites = [site.rstrip("/" + os.sep) for site in args.sites or []] or None
    for site in args.sites or []:
        if site not in available:
            raise InputError(
                Path(args.root) / RAW_DIR / site, "no such site (no informants.csv there)",
                fix=f"choose one of: {', '.join(available) or 'none yet; see seci init-site'}",
            )
    if not (args.sites or available):
        raise InputError(Path(args.root) / RAW_DIR, "no site found", fix="create one with `seci init-site NAME`")
    return list(args.sites or available)


def one_site(args: argparse.Namespace, why: str) -> str:
    """The one site a command works on (``--site``, or the project's only site)."""
    sites = selected_sites(args)
    if len(sites) != 1:
        raise SeciError(f"{why}; name it with --site (sites: {', '.join(sites)})")
    return sites[0]


def whole_number(low: int, high: int):
    """An option type: a whole number from ``low`` to ``high``, else one line saying so (never a traceback,
    also for thousands of digits)."""
    def number(text: str) -> int:
        fits = text.isascii() and text.isdigit() and len(text.lstrip("0")) <= len(str(high))
        if not (fits and low <= int(text) <= high):
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number from {low:,} to {high:,}")
        return int(text)
    return number


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is a :class:`SeciError` like any other: one line saying
    what is wrong and where to read how it is done, instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        raise SeciError(f"{message}; see `{self.prog} --help`")


# --- seci run -----------------------------------------------------------------------------------------

def run_command(args: argparse.Namespace) -> int:
    """Every site on its own: one that fails is reported in one line and skipped, the others are written.

    All sites are read and checked (as ``seci ingest`` does) before any is written; exit status 2
    when any site failed, 0 otherwise.
    """
    import webbrowser

    from pipeline.report.notebooks import find_notebooks
    from pipeline.report.run import run_sites

    root, sites = Path(args.root), selected_sites(args)
    find_notebooks(root)  # no notebooks fails every site alike: one error, before any site
    indexes, failed = run_sites(root, sites, report_lang=args.report_lang, force=args.force)
    if len(indexes) >= 2:  # every reported site side by side: reports/cross-site/ and reports/index.html
        from pipeline.report.cross_site import write_cross_site

        try:
            indexes.append(write_cross_site(root, [index.parent.name for index in indexes], args.report_lang,
                                            force=args.force))
        except SeciError as error:
            failed["cross-site"] = error
    for index in indexes:
        print(index)
    for site, error in failed.items():
        print(f"seci: error: {site} skipped: {error}", file=sys.stderr)
    if indexes and not args.no_browser and _can_open_browser():
        webbrowser.open(indexes[0].resolve().as_uri())
    return 2 if failed else 0


def _can_open_browser() -> bool:
    """Only in a terminal on a desktop: never from CI, make test or a headless server."""
    desktop = sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return sys.stdout.isatty() and bool(desktop)


# --- the corpus ------------------------------------------------------------------------------------

def init_site_command(args: argparse.Namespace) -> int:
    from pipeline.corpus.sites import init_site

    site_dir = init_site(Path(args.root), args.name, language=args.lang)
    print(f"created {site_dir}: list your informants in {INFORMANTS_FILE}, put their transcripts in "
          f"{TRANSCRIPTS_DIR}/, check {STUDY_FILE}, then run `seci ingest --site {args.name}`")
    return 0


def ingest_command(args: argparse.Namespace) -> int:
    """Validate every selected site first, then write them all."""
    from pipeline.corpus.ingest import build_site, write_site
    from pipeline.files import project_lock

    root = Path(args.root)
    built = [build_site(root, site) for site in selected_sites(args)]
    with project_lock(root):
        for ingested in built:
            write_site(root, ingested)
            segments = ingested.segments
            answers = int((segments["speaker"] == "informant").sum())
            print(f"{ingested.site}: {len(ingested.transcripts)} informants, {answers} informant segments "
                  f"-> {processed_site_dir(root, ingested.site) / SEGMENTS_FILE}")
    return 0


# --- coding --------------------------------------------------------------------------------------------

def check_codebook_command(args: argparse.Namespace) -> int:
    from pipeline.coding.codebook import codebook_summary, load_codebook

    print(codebook_summary(load_codebook(args.path)), end="")
    return 0


def import_codebook_command(args: argparse.Namespace) -> int:
    from pipeline.coding.codebook import codebook_summary, codebook_to_yaml, load_codebook
    from pipeline.coding.codebook_import import import_codebook
    from pipeline.errors import CodebookError
    from pipeline.files import write_text

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CodebookError(out, "already exists", fix="choose another --out or add --force to overwrite it")
    if Path(args.file).suffix.lower() == ".qdc":
        from pipeline.report.qdc import codebook_from_qdc

        codebook, notes = codebook_from_qdc(args.file, args.lang)
    else:
        codebook, notes = import_codebook(args.file, args.lang), []
    write_text(out, codebook_to_yaml(codebook))
    print(codebook_summary(load_codebook(out)), end="")
    for note in notes:
        print(f"note: {note}")
    print(f"wrote {out}: write (or translate) every text that starts with TODO before coding")
    return 0


def export_codebook_command(args: argparse.Namespace) -> int:
    from pipeline.coding.codebook import load_codebook
    from pipeline.files import write_bytes
    from pipeline.report.qdc import codebook_qdc, not_carried

    codebook = load_codebook(args.codebook)
    write_bytes(args.out, codebook_qdc(codebook, args.lang))
    print(f"{codebook.source}: {len(codebook.codes)} codes in {len(codebook.groups)} groups, keywords in each "
          f"code's description -> {args.out}")
    print(f"not in a .qdc: {not_carried(args.lang)}")
    return 0


def classify_command(args: argparse.Namespace) -> int:
    from pipeline.coding.classify import classify_file
    from pipeline.coding.codebook import load_codebook
    from pipeline.files import check_writable

    if args.engine == "dask":
        from pipeline.coding.scale_out import LOCAL_WORKERS, classify_partitions

        codebook = load_codebook(args.codebook)
        found, rows, coded = classify_partitions(args.input, args.out, codebook, default_lang=args.lang,
                                                 scheduler=args.scheduler, local_workers=args.workers or LOCAL_WORKERS)
        print(f"{args.input}: {found} partitions, {rows} rows, {coded} with at least one code -> {args.out}")
        return 0
    if args.scheduler:
        raise SeciError("--scheduler needs --engine dask")
    check_writable(Path(args.out), option="--out")
    codebook = load_codebook(args.codebook)
    rows, coded = classify_file(args.input, args.out, codebook, default_lang=args.lang, workers=args.workers or 1)
    print(f"{args.input}: {rows} rows, {coded} with at least one code -> {args.out}")
    return 0


def code_command(args: argparse.Namespace) -> int:
    from pipeline.coding.classify import code_site
    from pipeline.files import project_lock

    sites = selected_sites(args)
    with project_lock(args.root):
        for site in sites:
            codings = code_site(args.root, site)
            print(f"{site}: {len(codings)} codings in {codings['segment_id'].nunique()} segments "
                  f"-> {processed_site_dir(Path(args.root), site) / CODINGS_FILE}")
    return 0


def score_corpus_command(args: argparse.Namespace) -> int:
    import datetime

    from pipeline.analysis.reference_corpus import (
        HELD_OUT, misses, record_held_out_score, score_corpus, score_table, scores_as_json,
    )
    from pipeline.coding.codebook import load_codebook
    from pipeline.contracts import SECI_CORPUS_FILE

    if args.misses and args.split == HELD_OUT:
        raise SeciError(f"--misses lists development passages only: the {HELD_OUT} split's passages are not to be "
                        "looked at; see `seci score-corpus --help`")
    if args.record and args.split != HELD_OUT:
        raise SeciError(f"--record keeps the one scoring of the held-out split: use it with --split {HELD_OUT}")
    codebook = load_codebook(args.codebook)
    corpus = Path(args.root) / SECI_CORPUS_FILE
    if args.record:
        record = record_held_out_score(args.root, codebook, datetime.date.today().isoformat())
        print(f"SECI reference corpus, split {HELD_OUT}, scored once and recorded, codebook {record['codebook']}")
        print(score_table(record["scores"]).to_string(index=False, float_format="{:.3f}".format))
        return 0
    if args.misses:
        print(misses(codebook, corpus, args.split).to_string(index=False, max_colwidth=200))
        return 0
    scores = score_corpus(codebook, corpus, args.split)
    if args.json:
        print(json.dumps({"split": args.split, "codebook": codebook.coder, "scores": scores_as_json(scores)}, allow_nan=False))
    else:
        print(f"SECI reference corpus, split {args.split}, codebook {codebook.source} (version {codebook.version})")
        print(score_table(scores).to_string(index=False, float_format="{:.3f}".format))
    if args.split == HELD_OUT:
        print(f"seci: the {HELD_OUT} split is scored once, after all tuning on the development part: do not tune on "
              "this result", file=sys.stderr)
    return 0


def refine_command(args: argparse.Namespace) -> int:
    from pipeline.coding.classify import read_segments, site_codebook
    from pipeline.coding.codebook import load_codebook
    from pipeline.coding.refine import (
        collocations,
        informant_answers,
        keyword_hits,
        keyword_in_context,
        silent_keywords,
        top_terms,
        uncoded_answers,
    )

    for site in selected_sites(args):
        segments = read_segments(args.root, site)
        if args.lang:
            segments = segments[segments["lang"] == args.lang]
        codebook = load_codebook(args.codebook) if args.codebook else site_codebook(args.root, site)
        print(f"== {site} (codebook {codebook.source}) ==")
        if args.kwic:
            _print_table(f"'{args.kwic}' in context", keyword_in_context(segments, args.kwic))
            continue
        hits = keyword_hits(segments, codebook)
        fired = hits[hits["hits"] > 0].sort_values(["hits", "code_id", "keyword"], ascending=[False, True, True])
        _print_table(f"keywords that fire ({len(fired)} of {len(hits)}), most hits first", fired.head(args.top))
        silent = silent_keywords(hits)
        for (code_id, lang), group in silent.groupby(["code_id", "lang"], sort=False):
            print(f"never fire: {code_id} ({lang}): {', '.join(group['keyword'])}")
        uncoded = uncoded_answers(segments, codebook)
        print(f"\n{len(uncoded)} of {len(informant_answers(segments))} informant segments got no code")
        _print_table("top terms in uncoded segments", top_terms(uncoded, args.top))
        _print_table("collocations in uncoded segments", collocations(uncoded, args.top))
    return 0


def _print_table(title: str, table) -> None:
    print(f"\n{title}:")
    print(table.to_string(index=False) if len(table) else "  (none)")


# --- agreement and human coding -----------------------------------------------------------------------

def agreement_command(args: argparse.Namespace) -> int:
    from pipeline.analysis.agreement import (
        agreement_summary,
        check_codes,
        coding_from_rows,
        compare_codings,
        format_agreement,
        read_coding_rows,
        status_agreement,
        status_rows,
    )

    gold_rows, pred_rows = read_coding_rows(args.gold, args.coder), read_coding_rows(args.pred, args.pred_coder)
    codes = None
    if args.codebook:
        from pipeline.coding.codebook import load_codebook

        codes = list(load_codebook(args.codebook).code_ids)
        check_codes(args.gold, gold_rows, codes, args.codebook)
        check_codes(args.pred, pred_rows, codes, args.codebook)
    gold, pred = coding_from_rows(gold_rows), coding_from_rows(pred_rows)
    if not set(gold) & set(pred):
        raise InputError(args.pred, f"no id in common with {args.gold}",
                         fix="compare two codings of the same units (the id column must match)")
    if codes is None and not any(row.code for row in gold_rows + pred_rows):
        raise InputError(args.gold, f"neither this file nor {args.pred} assigns any code",
                         fix="nothing to compare; give --codebook to report on its codes anyway")
    result = compare_codings(gold, pred, codes=codes, resamples=args.resamples, seed=args.seed)
    status = status_agreement(status_rows(gold_rows), status_rows(pred_rows), list(result.per_code.index), sorted(set(gold) & set(pred)))
    print(json.dumps(agreement_summary(result, status), ensure_ascii=False, allow_nan=False) if args.json
          else format_agreement(result, status))
    return 0


def review_sheet_command(args: argparse.Namespace) -> int:
    from pipeline.report.review import MARKS, write_review_sheet

    for site in selected_sites(args):
        path = write_review_sheet(args.root, site, with_classifier_codes=args.with_classifier_codes)
        print(f"{site}: review sheet -> {path}")
    print(f"In the sheet, {MARKS}.")
    return 0


def import_coding_command(args: argparse.Namespace) -> int:
    from pipeline.report.review import import_coding

    site = one_site(args, "the sheets must belong to one site")
    codings = import_coding(args.root, site, args.sheets, coder=args.coder)
    out_path = processed_site_dir(Path(args.root), site) / HUMAN_CODINGS_FILE
    for coder, rows in codings.groupby("coder", sort=True):
        print(f"{coder}: {rows['segment_id'].nunique()} segments coded")
    print(f"-> {out_path}")
    return 0


def export_qdpx_command(args: argparse.Namespace) -> int:
    from pipeline.report.qdpx import export_qdpx

    sites = selected_sites(args)
    if args.out and len(sites) != 1:
        raise SeciError(f"--out names one file; choose one site with --site (sites: {', '.join(sites)})")
    for site in sites:
        path = export_qdpx(args.root, site, args.out, lang=args.lang)
        print(f"{site}: REFI-QDA project -> {path}")
    return 0


def import_qdpx_command(args: argparse.Namespace) -> int:
    from pipeline.report.qdpx_import import import_qdpx

    site = one_site(args, "a project belongs to one site")
    result = import_qdpx(args.root, site, args.file, args.out, with_classifier=args.with_classifier)
    for coder, rows in result.codings.groupby("coder", sort=True):
        print(f"{coder}: {len(rows)} codings of {rows['segment_id'].nunique()} segments")
    for message in result.messages():
        print(f"note: {message}")
    print(f"-> {result.out_path}")
    return 0


# --- the parser ------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="seci",
        description="seci-kit: ingest interview transcripts, code them with a SECI codebook, "
        "and build the findings report.",
    )
    parser.add_argument("--version", action="version", version=f"seci-kit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run", help="the whole study: ingest, code, execute the notebooks, write reports/<site>/",
        description="Ingest and code every site (or those named), execute the notebooks with papermill and "
        "write reports/<site>/. A failed run leaves the previous report in place.",
    )
    add_site_arguments(run)
    run.add_argument("--report-lang", choices=report_languages(),
                     help="language of the report's headings and prose (default: the site's language)")
    run.add_argument("--no-browser", action="store_true", help="do not open the report in a web browser")
    run.add_argument("--force", action="store_true",
                     help="redo every stage (by default a stage whose inputs and outputs are unchanged is skipped)")
    run.set_defaults(handler=run_command)

    init = commands.add_parser(
        "init-site", help="start a new site: data/raw/NAME with informants.csv, study.yaml, transcripts/",
        description="Scaffold data/raw/NAME for your own interviews. Never overwrites an existing site.",
    )
    init.add_argument("name", metavar="NAME", help="the site's folder name, e.g. my-library")
    init.add_argument("--lang", choices=LANGUAGES, default="id",
                      help="language of the transcripts; sets the default speaker labels (default: id)")
    init.add_argument("--root", default=".", help="project folder holding data/ (default: the current folder)")
    init.set_defaults(handler=init_site_command)

    ingest = commands.add_parser(
        "ingest", help="read, clean, de-identify and segment the transcripts of each site",
        description="Write data/processed/<site>/segments.csv and the cleaned transcripts.",
    )
    add_site_arguments(ingest)
    ingest.set_defaults(handler=ingest_command)

    check = commands.add_parser(
        "check-codebook", help="validate a codebook and summarise its codes and keywords",
        description="Validate a codebook (default: the SECI codebook shipped with seci-kit) and print its "
        "codes per group and keywords per language. A malformed codebook stops with one line naming the "
        "file, the line, the code and the field.",
    )
    check.add_argument("path", nargs="?", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    check.set_defaults(handler=check_codebook_command)

    importing = commands.add_parser(
        "import-codebook", help="turn a LIWC .dic, quanteda YAML or REFI-QDA .qdc codebook into a seci-kit codebook",
        description="Import a LIWC-style .dic or a quanteda-style .yml/.yaml dictionary as a codebook: one "
        "code per category, its terms as keywords of the language given. Definitions and criteria are "
        "left as TODO placeholders to write before coding. A REFI-QDA .qdc codebook (ATLAS.ti, MAXQDA, "
        "NVivo, QualCoder, seci export-codebook) gives groups (its parent codes), codes, their descriptions "
        "and, from seci-kit's own .qdc, their keywords; a code without keywords gets its name as its one "
        "keyword and is listed.",
    )
    importing.add_argument("file", metavar="FILE", help="the dictionary or codebook (.dic, .yml, .yaml or .qdc)")
    importing.add_argument("--lang", required=True, choices=LANGUAGES,
                           help="the language of its terms (of a .qdc: of its names and descriptions)")
    importing.add_argument("--out", required=True, metavar="OUT.yaml", help="the codebook to write")
    importing.add_argument("--force", action="store_true", help="overwrite OUT.yaml if it exists")
    importing.set_defaults(handler=import_codebook_command)

    exporting = commands.add_parser(
        "export-codebook", help="write a codebook as a REFI-QDA .qdc for other QDA software",
        description="Write the codebook (default: the SECI codebook) as a REFI-QDA codebook (.qdc) for ATLAS.ti, "
        "MAXQDA, NVivo or QualCoder: its groups as parent codes, each code in a colour of its own with its "
        "definition, criteria and keywords (both languages, with weights) in its description, so that "
        "`seci import-codebook FILE.qdc` gives them back. Not carried: the codebook's description, thresholds, "
        "barrier cues, patterns, examples and the texts in the other language.",
    )
    exporting.add_argument("--format", choices=("qdc",), default="qdc", help="the file format (qdc, the only one)")
    exporting.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    exporting.add_argument("--lang", choices=LANGUAGES, default="en", help="language of names and descriptions (default: en)")
    exporting.add_argument("--out", required=True, type=Path, metavar="FILE.qdc", help="the .qdc file to write")
    exporting.set_defaults(handler=export_codebook_command)

    classify = commands.add_parser(
        "classify", help="code the texts of a CSV or JSON Lines file with a codebook",
        description="Code every row of INPUT (CSV or JSON Lines with columns id, text and optionally lang) "
        "and write OUTPUT (format by extension): id, codes (codebook order, ';'-joined), primary_code, "
        "and per code its score, status (practice/barrier) and evidence (term@start-end). "
        f"A text may hold up to {MAX_TEXT_CHARS:,} characters (no line or field of INPUT may be longer): "
        "split longer ones, e.g. one per answer or paragraph.",
    )
    classify.add_argument("input", metavar="INPUT",
                          help="a .csv or .jsonl file with columns id, text [, lang]; with --engine dask a folder or "
                          "a quoted glob of .csv, .jsonl or .parquet partitions")
    classify.add_argument("--out", required=True, metavar="OUTPUT",
                          help="the .csv or .jsonl file to write; with --engine dask a folder (one .csv per partition)")
    classify.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    classify.add_argument("--lang", choices=LANGUAGES, default="id",
                          help="language of the rows without a lang value (default: id)")
    classify.add_argument("--workers", type=whole_number(1, MAX_WORKERS), metavar="N",
                          help=f"processes to code with, 1 to {MAX_WORKERS} (default: 1; with --engine dask and no "
                          "--scheduler, the local cluster's workers, default 2)")
    classify.add_argument("--engine", choices=("process", "dask"), default="process",
                          help="process: this machine (default); dask: each partition on a Dask cluster's workers")
    classify.add_argument("--scheduler", metavar="ADDRESS",
                          help="with --engine dask: the cluster's scheduler, e.g. tcp://host:8786 (default: start a "
                          "local cluster)")
    classify.set_defaults(handler=classify_command)

    code = commands.add_parser(
        "code", help="code each site's segments.csv into codings.csv",
        description="Code the informants' segments of each site with the codebook its study.yaml names "
        "(default: the SECI codebook) and write data/processed/<site>/codings.csv.",
    )
    add_site_arguments(code)
    code.set_defaults(handler=code_command)

    score = commands.add_parser(
        "score-corpus", help="score a codebook on the SECI reference corpus (primary mode: accuracy, kappa, macro-F1)",
        description="Code the passages of data/reference/seci_corpus/passages.csv (text_masked) with a codebook "
        "and compare each passage's primary SECI mode with the mode its source assigns, per language. "
        "Tune on the development part (splits dev, test1, test2 and test3; each test split was scored once, test1 "
        "with codebook 2.0, test2 with 2.1, test3 with 2.2); the held-out split test4 is scored once, at the end, "
        "and only when asked for.",
    )
    score.add_argument("--root", default=".", help="project folder holding data/ (default: the current folder)")
    score.add_argument("--split", choices=SECI_CORPUS_SPLIT_CHOICES, default="development",
                       help="which passages (default: development, the splits dev, test1, test2 and test3 together)")
    score.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    score.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    score.add_argument("--misses", action="store_true",
                       help="list the passages whose primary mode is not the source's, for tuning (not test4)")
    score.add_argument("--record", action="store_true",
                       help="score test4 once and keep the result in data/reference/seci_corpus/test4_score.json "
                       "(refused when it is already there)")
    score.set_defaults(handler=score_corpus_command)

    refine = commands.add_parser(
        "refine", help="aids for refining the codebook: keyword in context, what uncoded answers say, keyword hits",
        description="For each site: keyword hit counts and the keywords that never fire, then the top terms "
        "and collocations in the informants' answers that got no code. With --kwic TERM: every occurrence of "
        "TERM in context instead (matched like a keyword: 'diskusi' also shows 'berdiskusi').",
    )
    add_site_arguments(refine)
    refine.add_argument("--kwic", metavar="TERM", help="show TERM (a word, phrase or word* glob) in context")
    refine.add_argument("--lang", choices=LANGUAGES, help="only segments in this language")
    refine.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the site's codebook)")
    refine.add_argument("--top", type=int, default=20, metavar="N", help="rows per table (default: 20)")
    refine.set_defaults(handler=refine_command)

    agreement = commands.add_parser(
        "agreement", help="agreement between two codings: kappa, alpha, precision/recall/F1 per code",
        description="Compare PRED with GOLD. Each is CSV, TSV or JSON Lines with columns id and code, one row "
        "per assigned code (a row with an empty code marks a unit that got no code). The units are the ids of "
        "both files together; a code absent for an id counts as not assigned. seci-kit's own codings.csv, "
        "human_codings.csv and reference_codings.csv (segment_id, code_id, coder) are read too: one coder per file, "
        "chosen with --coder / --pred-coder when a file holds several.",
    )
    agreement.add_argument("gold", type=Path, metavar="GOLD", help="the reference coding")
    agreement.add_argument("pred", type=Path, metavar="PRED", help="the coding to check against GOLD")
    agreement.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    agreement.add_argument("--coder", metavar="NAME",
                           help="the coder of GOLD to compare, when GOLD holds several (codings.csv format, coder column)")
    agreement.add_argument("--pred-coder", metavar="NAME", help="the same for PRED")
    agreement.add_argument("--codebook", type=Path, help="list every code of this codebook and reject codes not in it")
    agreement.add_argument("--resamples", type=whole_number(0, MAX_RESAMPLES), default=DEFAULT_RESAMPLES,
                           help=f"bootstrap resamples for the {CI_LEVEL:.0%}% intervals, 0 (none) to {MAX_RESAMPLES:,} "
                           f"and as many as fit in {BOOTSTRAP_MEMORY / 2**30:g} GiB (default {DEFAULT_RESAMPLES})")
    agreement.add_argument("--seed", type=whole_number(0, MAX_SEED), default=DEFAULT_SEED,
                           help=f"bootstrap seed, 0 to {MAX_SEED} (default {DEFAULT_SEED})")
    agreement.set_defaults(handler=agreement_command)

    sheet = commands.add_parser(
        "review-sheet", help="write a blank sheet for human coders (data/processed/<site>/review_sheet.csv)",
        description="One row per informant answer, one empty column per code: mark 1 or x where a code applies as a "
        "practice, b where it applies as a barrier (lacking, not yet adequate, hindered), 0 or nothing where it does "
        "not. The classifier's codes are left out so that human coding is independent of them.",
    )
    add_site_arguments(sheet)
    sheet.add_argument("--with-classifier-codes", action="store_true",
                       help="add the classifier's codes as a last column (for adjudication, not for independent coding)")
    sheet.set_defaults(handler=review_sheet_command)

    imports = commands.add_parser(
        "import-coding", help="read filled review sheets into data/processed/<site>/human_codings.csv",
        description="Read sheets filled by human coders (CSV UTF-8) into the codings.csv format with each coder's name.",
    )
    imports.add_argument("sheets", nargs="+", type=Path, metavar="SHEET", help="filled review sheet(s)")
    who = imports.add_mutually_exclusive_group(required=True)
    who.add_argument("--coder", help="the name of the coder who filled every SHEET")
    who.add_argument("--coder-from-filename", action="store_true",
                     help="each sheet's coder is its file name (ana.csv or review_sheet_ana.csv -> ana)")
    add_site_arguments(imports, help_site="the site the sheets belong to (may be left out when there is one site)")
    imports.set_defaults(handler=import_coding_command)

    qdpx = commands.add_parser(
        "export-qdpx", help="export the coded interviews as a REFI-QDA project (.qdpx)",
        description="Write reports/<site>/project.qdpx for ATLAS.ti, MAXQDA, NVivo or QualCoder: one case per "
        "informant with every informants.csv column as a variable, one selection per coding owned by its coder "
        "(the classifier and each coder of human_codings.csv), the status of each coding as a child code "
        "('<code>: practice|barrier'), each term that fired as an uncoded selection with a memo. Items are dated "
        "with study.yaml's transcripts_date.",
    )
    add_site_arguments(qdpx)
    qdpx.add_argument("--out", type=Path, help="where to write the .qdpx (one site only; default reports/<site>/project.qdpx)")
    qdpx.add_argument("--lang", choices=LANGUAGES, help="language of code names (default: the transcripts')")
    qdpx.set_defaults(handler=export_qdpx_command)

    qdpx_in = commands.add_parser(
        "import-qdpx", help="read human codings from a REFI-QDA project (.qdpx) into human_codings.csv",
        description="Read the codings of a project coded in ATLAS.ti, MAXQDA, NVivo or QualCoder into "
        "data/processed/<site>/human_codings.csv (or --out), one row per segment, code and coder, as "
        "codings.csv has them. Sources are matched to the site's cleaned transcripts by content, codes to "
        "the codebook by name (a child code '<code>: practice|barrier' gives the status); codes not in the "
        "codebook are listed. Overlap rule: a selection codes an informant's answer when it covers at least "
        "half of the answer's characters or lies wholly inside it (positions in code points). Coders already "
        "in the file and not in the project keep their rows.",
    )
    qdpx_in.add_argument("file", type=Path, metavar="FILE", help="the .qdpx project")
    add_site_arguments(qdpx_in, help_site="the site whose transcripts were coded (may be left out when there is one site)")
    qdpx_in.add_argument("--out", type=Path, metavar="PATH", help="where to write (default data/processed/<site>/human_codings.csv)")
    qdpx_in.add_argument("--with-classifier", action="store_true",
                         help="keep the classifier's own codings too (keyword-...; left out by default, codings.csv has them)")
    qdpx_in.set_defaults(handler=import_qdpx_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except SeciError as error:
        print(f"seci: error: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("seci: interrupted; earlier outputs were left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":  # `python -m pipeline.cli` runs the program too, as `python -m pipeline` does
    sys.exit(main())
