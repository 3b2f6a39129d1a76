"""The `policyframes` command.

Exit status: 0 success, 1 the annotations have problems, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from . import layout
from .citation import FORMATS
from .manifest import IntegrityError
from .problems import Problem, ValidationFailed


def _print_problems(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps({"ok": not problems, "problems": [p.to_dict() for p in problems]}, indent=2, ensure_ascii=False))
        return
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)


# Modules of the optional extras, and the extra each comes with (pyproject.toml).
EXTRAS = {"yaml": "build", "pandera": "build", "PIL": "build", "pyreadstat": "build", "datasets": "hf"}


def cmd_validate(args: argparse.Namespace) -> int:
    from .verdict import validated

    v = validated(args.root, use_cache=not args.no_cache)
    if v.problems:
        _print_problems(v.problems, args.format)
        return 1
    if args.format == "json":
        _print_problems([], "json")
    else:
        print(f"ok: {v.cases} cases, {v.evidence} evidence items, no problems")
        _warn_if_version_unchanged(args.root, v.version, v.hashes)
    return 0


def _warn_if_version_unchanged(root: Path, version: str, hashes: dict[str, str]) -> None:
    """Say so when the annotations differ from those build/ was made from, under the same version."""
    from .manifest import annotations_digest

    try:
        built = json.loads((root / layout.BUILD / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if built.get("version") == version and built.get("annotations_sha256") not in (None, annotations_digest(root, layout.ANNOTATED, hashes)):
        print(f"warning: the annotations changed since {layout.BUILD}/ was built as version {version}: if a code or case "
              f"changed, raise the version in {layout.DATASET_META} and say what changed and why in CHANGELOG.md", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildLocked, build

    try:
        release = build(args.root, use_cache=not args.no_cache)
    except BuildLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValidationFailed as exc:
        _print_problems(exc.problems, args.format)
        print(f"build failed; {layout.BUILD}/ was left unchanged", file=sys.stderr)
        return 1
    print(f"built {layout.BUILD}/: {release['tables']['cases']} cases, version {release['version']}")
    return 0


def cmd_locate(args: argparse.Namespace) -> int:
    from .annotations import case_files, coding_files, read_sources
    from .locate import locate_file

    problems: list[Problem] = []
    _, sources = read_sources(args.root, problems)
    try:
        every = [*case_files(args.root), *coding_files(args.root), layout.RELATIONS,
                 *(f for f in (layout.TAX_DESIGN, layout.CONFLICTS) if (args.root / f).exists())]
        files = [Path(f).resolve().relative_to(args.root).as_posix() for f in args.files] if args.files else every
    except ValueError:
        print(f"error: the files to locate must be inside the repository {args.root}", file=sys.stderr)
        return 2
    changes = []
    for rel in files:
        found, trouble = locate_file(args.root, rel, sources, write=not args.check)
        changes += found
        problems += trouble
    for change in changes:
        print(change)
    if not changes and not problems:
        print(f"all offsets up to date in {len(files)} file(s)")
    _print_problems(problems, "text")
    if args.check and changes:
        print(f"{len(changes)} offset(s) need updating: run `policyframes locate`", file=sys.stderr)
        return 1
    return 1 if problems else 0


def cmd_new_case(args: argparse.Namespace) -> int:
    import re

    from .models import ID_PATTERN

    if not re.match(ID_PATTERN, args.case_id):
        print(f"error: {args.case_id!r} is not a valid case id (lowercase words joined by hyphens)", file=sys.stderr)
        return 2
    target = args.root / layout.CASES_DIR / f"{args.case_id}.yaml"
    if target.exists():
        print(f"error: {target.relative_to(args.root)} already exists", file=sys.stderr)
        return 2
    from .annotations import read_sources

    problems: list[Problem] = []
    _, sources = read_sources(args.root, problems)
    unknown = [s for s in args.source if s not in sources]
    if unknown:
        print(f"error: no source {', '.join(map(repr, unknown))} in {layout.SOURCES_META}; sources: {', '.join(sorted(sources))}",
              file=sys.stderr)
        return 2
    text = (args.root / layout.TEMPLATE).read_text(encoding="utf-8").replace("CASE-ID", args.case_id)
    if args.source:
        text = text.replace("sources: [source-id]", f"sources: [{', '.join(args.source)}]")
    if args.name_en:
        text = text.replace("name_en: English name of the case", f"name_en: {json.dumps(args.name_en, ensure_ascii=False)}")
    target.write_text(text, encoding="utf-8")
    print(f"created {target.relative_to(args.root)}: fill it in, then run `policyframes locate` and `policyframes validate`"
          " (it lists every placeholder still to replace)")
    return 0


def cmd_reliability(args: argparse.Namespace) -> int:
    from .reliability import certification, full_report, recoding
    from .validation import validate

    try:
        v = validate(args.root)
    except ValidationFailed as exc:
        _print_problems(exc.problems, "text")
        return 1
    if args.coder:
        try:
            print(certification(v.ann.codebook, v.tables, args.coder), end="")
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    print(full_report(v.ann.codebook, v.tables, v.primary, certifying=v.certifying), end="")
    changelog = args.root / layout.CHANGELOG
    if changelog.is_file():
        print("\n" + recoding(changelog.read_text(encoding="utf-8"), v.ann.codebook, v.meta.version), end="")
    return 0


def cmd_kit(args: argparse.Namespace) -> int:
    from .kit import write_kit

    try:
        files = write_kit(args.root, args.coder, args.out, args.with_case_list)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        _print_problems(exc.problems, "text")
        return 1
    print(f"wrote a coding kit for {args.coder} in {args.out}: {len(files)} files (read its README.md)")
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from .loader import cite

    print(cite(args.format), end="")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff_builds
    from .manifest import IntegrityError

    try:
        result = diff_builds(args.old, args.new)
    except (FileNotFoundError, IntegrityError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report(), end="")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import HOST, make_server, stop_on_terminate

    site = args.root / layout.BUILD / layout.SITE
    if not (site / "index.html").is_file():
        print(f"error: {layout.BUILD}/{layout.SITE}/index.html does not exist: run `policyframes build` first", file=sys.stderr)
        return 1
    try:
        server = make_server(site, args.port)
    except OSError as exc:
        print(f"error: cannot serve on {HOST}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    stop_on_terminate()
    with server:
        try:
            print(f"serving {layout.BUILD}/{layout.SITE}/ at http://{HOST}:{server.server_port}/ (Ctrl-C stops)", flush=True)
            server.serve_forever(poll_interval=0.1)
        except KeyboardInterrupt:
            pass
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("policyframes")
    except PackageNotFoundError:
        return "(not installed)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policyframes", description="Build, validate and cite the policyframes dataset.")
    common = argparse.ArgumentParser(add_help=False)  # options every command takes, before or after its name
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="repository root (default: found from the current folder)")
    common.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS,
                        help="show the full trace behind an internal error (or set POLICYFRAMES_TRACEBACK=1)")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    p.add_argument("--root", type=Path, default=None, help="repository root (default: found from the current folder)")
    p.add_argument("--traceback", action="store_true", help="show the full trace behind an internal error (or set POLICYFRAMES_TRACEBACK=1)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help, description=help[0].upper() + help[1:] + ".")

    no_cache = f"read every file again, neither using nor writing the cache of unchanged files ({layout.CACHE}/)"
    s = command("validate", "check every annotation file; write nothing but the cache")
    s.add_argument("--format", choices=["text", "json"], default="text", help="how to print problems")
    s.add_argument("--no-cache", action="store_true", help=no_cache)
    s.set_defaults(func=cmd_validate)

    s = command("build", "validate, then write build/ and the generated documents")
    s.add_argument("--format", choices=["text", "json"], default="text", help="how to print problems")
    s.add_argument("--no-cache", action="store_true", help=no_cache)
    s.set_defaults(func=cmd_build)

    s = command("locate", "find each evidence quote in its source and write its offsets")
    s.add_argument("files", nargs="*", help="annotation files (default: every case, coding and relations file)")
    s.add_argument("--check", action="store_true", help="only report offsets that need changing; exit 1 if any")
    s.set_defaults(func=cmd_locate)

    s = command("new-case", "start a new case file from the template")
    s.add_argument("case_id", help="identifier of the new case, e.g. zeguo-deliberative-polls-2005")
    s.add_argument("--source", action="append", default=[], help="a source of the case (repeat for several)")
    s.add_argument("--name-en", help="the case's English name")
    s.set_defaults(func=cmd_new_case)

    s = command("reliability", "print intercoder agreement and Krippendorff's alpha per variable, and beyond the codes")
    s.add_argument("--coder", help="report only this coder's agreement with the final codes and with each other coder")
    s.set_defaults(func=cmd_reliability)

    s = command("kit", "write a blind coding packet for an outside coder: codebook, sources, blank coding files")
    s.add_argument("coder", help="the coder id the packet is for (add it to annotations/coders.yaml)")
    s.add_argument("out", type=Path, help="new folder to write the packet into")
    s.add_argument("--with-case-list", action="store_true", help="include the list of cases and a blank file for each")
    s.set_defaults(func=cmd_kit)

    s = command("serve", f"serve the built site ({layout.BUILD}/{layout.SITE}/) on 127.0.0.1 for a browser")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0: any free port)")
    s.set_defaults(func=cmd_serve)

    s = command("cite", "print how to cite the dataset")
    s.add_argument("--format", choices=list(FORMATS), default="bibtex")
    s.set_defaults(func=cmd_cite, needs_root=False)

    s = command("diff", "list the cases and values that changed between two builds")
    s.add_argument("old", type=Path, help="folder of the earlier build")
    s.add_argument("new", type=Path, help="folder of the later build")
    s.set_defaults(func=cmd_diff, needs_root=False)
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # any file name or value can be printed
            stream.reconfigure(errors="backslashreplace")
    # Arrow's default allocator keeps freed memory for reuse; the system allocator gives
    # it back, which lowers the peak of large builds (read when Arrow is first imported).
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    args = parser().parse_args(argv)
    if getattr(args, "needs_root", True):
        try:
            args.root = (args.root or layout.find_root()).resolve()
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    try:
        return args.func(args)
    except (IntegrityError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, reported in one line rather than a traceback
        package = (getattr(exc, "name", None) or "").split(".")[0]
        if isinstance(exc, ModuleNotFoundError) and package in EXTRAS:
            print(f"error: `policyframes {args.command}` needs {package}, which comes with the {EXTRAS[package]} extra: "
                  f"pip install 'policyframes[{EXTRAS[package]}]'", file=sys.stderr)
            return 1
        if args.traceback or os.environ.get("POLICYFRAMES_TRACEBACK"):
            traceback.print_exc()
        where = "".join(f" ({note})" for note in getattr(exc, "__notes__", []))
        print(f"internal error{where}: {type(exc).__name__}: {exc}; please report it "
              "(run again with --traceback for the full trace)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
