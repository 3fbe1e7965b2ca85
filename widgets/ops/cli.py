"""The ``elan`` command: serve, validate content, export results, manage trainers and data."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from traitlets import Int

import widgets.workshops.day  # noqa: F401  (registers the training day's report sections: serve and export)
from widgets.core.i18n import Translator
from widgets.core.languages import LANGUAGES
from widgets.core.settings import Settings

SETTING_FLAGS = (
    "port",
    "ip",
    "data_dir",
    "content_dir",
    "database_url",
    "public_url",
    "base_url",
    "language",
    "trainer_key",
    "public_kernels",
    "public_kernels_per_client",
    "solo_access",
)


def _settings(args) -> Settings:
    values = {name: getattr(args, name) for name in SETTING_FLAGS if getattr(args, name, None) is not None}
    settings = Settings(**values)
    # Content is read wherever the process or its kernels look: the environment carries the folder.
    if settings.content_dir:
        os.environ["ELAN_CONTENT_DIR"] = str(Path(settings.content_dir).expanduser().resolve())
    return settings


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    for name, trait in Settings.class_traits(config=True).items():
        if name not in SETTING_FLAGS:
            continue
        kind = int if isinstance(trait, Int) else str
        parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=trait.help.replace("%", "%%")
        )


def _add_lang_flag(parser: argparse.ArgumentParser) -> None:
    # The same setting as --language (ELAN_LANGUAGE), under the short name the other commands use.
    parser.add_argument(
        "--lang",
        dest="language",
        choices=LANGUAGES,
        default=None,
        help="language of the messages (default: --language)",
    )


def cmd_serve(args) -> int:
    from widgets import content
    from widgets.web.app import serve

    settings = _settings(args)
    organisation = content.organisation_dir()
    # Said at start, not discovered by a room: the organisation's content is checked as it is layered.
    for problem in content.validate_organisation(organisation) if organisation else []:
        print(problem.render(settings.language), file=sys.stderr)
    try:
        serve(settings)
    except KeyboardInterrupt:
        print(Translator(settings.language)("core.stopping"))
    return 0


def cmd_validate(args) -> int:
    from widgets import content
    from widgets.content import writing

    settings = _settings(args)
    t = Translator(settings.language)
    organisation = content.organisation_dir()
    roots = [Path(p) for p in args.paths] or [organisation or content.content_dir()]
    problems, files = [], 0
    if organisation and not args.paths:
        if not organisation.is_dir():
            print(t("core.no_such_folder", path=organisation), file=sys.stderr)
            return 2
        roots, files = [], len(content.content_files(organisation))
        problems = content.validate_organisation(organisation)
    for root in roots:
        if not root.exists():
            print(t("core.no_such_path", path=root), file=sys.stderr)
            return 2
        files += len(content.content_files(root))
        problems.extend(content.validate_tree(root))
    # French typography and the glossaries, in the content, the guide and the interface strings:
    # errors in the kit's own texts, advice in an organisation's (the server plays them as written).
    errors, advice = writing.split(roots if args.paths else writing.default_roots())
    problems.extend(errors)
    for problem in problems:
        print(problem.render(t.lang))
    for finding in advice:
        print(t("core.validate_advice_line", line=finding.render(t.lang)))
    if advice:
        print(t("core.validate_advice", n=len(advice)), file=sys.stderr)
    if problems:
        print(t("core.validate_problems", n=len(problems)), file=sys.stderr)
        return 1
    print(t("core.validate_ok", n=files))
    return 0


def cmd_content(args) -> int:
    from widgets.content import sheets

    settings = _settings(args)
    return sheets.command(args, Translator(settings.language))


def cmd_print(args) -> int:
    from widgets.workshops.cases import printables as cases
    from widgets.workshops.week import printables as week

    settings = _settings(args)
    lang = args.lang or settings.language
    if args.what == "cases":
        html = cases.print_command(args.ids, lang, args.paper, args.role)
    else:
        html = week.idea_cards(lang, paper=args.paper, ids=args.ids)
    Path(args.output).write_text(html, encoding="utf-8")
    print(Translator(settings.language)("print.written", path=args.output, n=html.count('<section class="sheet')))
    return 0


def cmd_typography(args) -> int:
    from widgets.content import writing

    roots = [Path(p) for p in args.paths] or writing.default_roots()
    t = Translator(_settings(args).language)
    if args.fix:
        from widgets.core.typography import FixRefused

        try:
            print(t("core.typography_fixed", n=writing.fix(roots)))
        except FixRefused as exc:
            print(exc.render(t.lang), file=sys.stderr)
            return 1
    found = writing.check(roots)
    for finding in found:
        print(finding.render(t.lang))
    return 1 if found else 0


def _engine(settings):
    from widgets.live.engine import Engine

    return Engine.from_settings(settings)


def cmd_export(args) -> int:
    from widgets.web import export

    settings = _settings(args)
    engine = _engine(settings)
    body = export.render(engine, args.code, args.format, args.lang)
    out = Path(args.output or f"elan-{args.code.upper()}.{args.format}")
    if isinstance(body, bytes):
        out.write_bytes(body)
    else:
        out.write_text(body, encoding="utf-8")
    print(Translator(settings.language)("core.export_written", path=out))
    return 0


def cmd_trainer(args) -> int:
    import sqlalchemy as sa

    from widgets.live import accounts

    settings = _settings(args)
    t = Translator(settings.language)
    store = _engine(settings).store
    if args.action == "add":
        try:
            key = accounts.add(store, args.name, args.password, is_admin=args.admin)
        except sa.exc.IntegrityError:
            print(t("core.trainer_exists", name=args.name), file=sys.stderr)
            return 1
        except accounts.AccountError as exc:
            print(t(exc.key, **exc.values), file=sys.stderr)
            return 1
        # Formatted here: the string's {key} placeholder would clash with Translator's own ``key`` argument.
        print(t.strings["core.trainer_added"].format(name=args.name, key=key))
    elif args.action == "remove":
        if not accounts.remove(store, args.name):
            print(t("core.trainer_unknown", name=args.name), file=sys.stderr)
            return 1
        print(t("core.trainer_removed", name=args.name))
    else:
        for row in accounts.listing(store):
            print(f"{row['name']}{' (admin)' if row['is_admin'] else ''}")
    return 0


def cmd_purge(args) -> int:
    from widgets.live import privacy

    settings = _settings(args)
    days = args.days if args.days is not None else settings.retention_days
    counts = privacy.purge(_engine(settings).store, days, names_only=args.names_only)
    # Names only: the sessions stay, so the message says how many were anonymised, not removed.
    message = "core.purged_names" if args.names_only else "core.purged"
    t = Translator(settings.language)
    print(t(message, sessions=counts.get("sessions", 0), names=counts.get("names", 0)))
    if counts.get("previews"):
        print(t("core.purged_previews", n=counts["previews"]))
    return 0


def cmd_forget(args) -> int:
    from widgets.core.errors import EngineError
    from widgets.live import privacy

    settings = _settings(args)
    try:
        privacy.forget_participant(_engine(settings).store, args.code, args.participant)
    except EngineError as exc:
        print(Translator(settings.language)(exc.key, **exc.values), file=sys.stderr)
        return 1
    print(Translator(settings.language)("core.forgotten", participant=args.participant, code=args.code))
    return 0


def cmd_anonymize(args) -> int:
    from widgets.core.errors import EngineError
    from widgets.live import privacy

    settings = _settings(args)
    try:
        counts = privacy.anonymize_session(_engine(settings).store, args.code)
    except EngineError as exc:
        print(Translator(settings.language)(exc.key, **exc.values), file=sys.stderr)
        return 1
    print(Translator(settings.language)("core.anonymized", code=args.code.upper(), names=counts.get("names", 0)))
    return 0


def cmd_lrs(args) -> int:
    from widgets.live import lrs_send

    settings = _settings(args)
    t = Translator(settings.language)
    store = _engine(settings).store
    if args.action == "retry":
        print(t("core.lrs_requeued", n=lrs_send.requeue_rejected(store)))
    if not settings.lrs_endpoint:
        print(t("core.lrs_not_configured"))
    print(t("core.lrs_status", **lrs_send.queue_state(store)))
    error = lrs_send.last_error(store)
    if error:
        print(t("core.lrs_last_error", error=error))
    return 0


def cmd_deploy(args) -> int:
    from widgets.ops.deploy import nginx_config

    print(nginx_config(args.backend, listen=args.listen, server_name=args.server_name), end="")
    return 0


def cmd_upgrade(args) -> int:
    from widgets.live.store import SCHEMA_VERSION, Store

    settings = _settings(args)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    store = Store(settings.effective_database_url(), create=False)
    applied = store.upgrade()
    t = Translator(settings.language)
    print(t("core.upgraded", version=SCHEMA_VERSION) if applied else t("core.up_to_date", version=SCHEMA_VERSION))
    return 0


def _cases(args) -> int:
    from widgets.workshops.cases.writer import run

    return run(args.content_dir, args.json, Translator(args.language or Settings().language))


def cmd_metrics(args) -> int:
    from widgets.workshops.metrics.report import main as metrics_report

    return metrics_report(args)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="elan", description="Élan: live customer-service training workshops.")
    sub = root.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="start the kit: dashboards, participant page and API")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("validate", help="check content files; print file, line and field of each problem")
    p.add_argument("paths", nargs="*", help="files or folders (default: the content folder)")
    _add_lang_flag(p)
    _add_setting_flags(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("typography", help="report, or with --fix apply, French typography and glossary fixes")
    p.add_argument("paths", nargs="*", help="files or folders (default: content, guide and interface strings)")
    p.add_argument("--fix", action="store_true", help="rewrite the files in place (safe and idempotent)")
    _add_lang_flag(p)
    p.add_argument("--language", dest="language", choices=LANGUAGES, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_typography)

    p = sub.add_parser("cases", help="every path of every case, its ending and scores, and what the checks flag")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--content-dir", type=Path, help="a content folder (default: the configured one)")
    _add_lang_flag(p)
    p.set_defaults(func=_cases)

    p = sub.add_parser("content", help="the organisation's content as a spreadsheet: export, import, list")
    p.add_argument("action", choices=("export", "import", "list"))
    p.add_argument("kind", nargs="?", help="what to export: cases, ideas or examples")
    p.add_argument("file", nargs="?", help="the .xlsx workbook")
    _add_lang_flag(p)
    _add_setting_flags(p)
    p.set_defaults(func=cmd_content)

    p = sub.add_parser("print", help="printable role-play cards and observer grids, or the week's idea cards (HTML)")
    p.add_argument("what", choices=("cases", "ideas"))
    p.add_argument("ids", nargs="*", help="case or idea ids (default: all)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4")
    p.add_argument("--role", action="append", choices=("customer", "adviser", "observer"), help="repeat; default: all")
    p.add_argument("--lang", choices=LANGUAGES)
    p.add_argument("--output", "-o", required=True, help="the .html file to write (open it, then print)")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("metrics", help="every metric a ticket export (CSV or XLSX) supports, with n and definition")
    p.add_argument("file")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="use this column for a kit field (repeat)")
    p.add_argument("--unit", action="append", metavar="FIELD=UNIT", help="seconds, minutes, hours... for a duration")
    p.add_argument("--json", action="store_true", help='print {"rows", "skipped", "metrics"} as JSON')
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_true", default=None, help="01/02 is 1 February")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="01/02 is January 2")
    p.add_argument("--header-row", type=int, metavar="N", help="a spreadsheet's header is on row N (default: found)")
    p.add_argument("--lang", choices=LANGUAGES)
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("export", help="write a session's results")
    p.add_argument("code")
    p.add_argument("--format", choices=("csv", "xlsx", "html", "pdf"), default="csv")
    p.add_argument("--output", "-o")
    p.add_argument("--lang", choices=LANGUAGES)
    _add_setting_flags(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("trainer", help="trainer accounts (instead of one shared key)")
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("name", nargs="?")
    p.add_argument("--password", help="a password of your choice; a key is generated when omitted")
    p.add_argument("--admin", action="store_true", help="may drive every trainer's sessions")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_trainer)

    p = sub.add_parser("purge", help="remove sessions older than the retention period")
    p.add_argument("--days", type=int, help="override the retention period")
    p.add_argument("--names-only", action="store_true", help="drop names but keep anonymous results")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("forget", help="delete one participant's data on request")
    p.add_argument("code")
    p.add_argument("participant", type=int)
    _add_setting_flags(p)
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("anonymize", help="drop every name of a session, keep its results")
    p.add_argument("code")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_anonymize)

    p = sub.add_parser("lrs", help="learning records for the LRS: how many wait or were refused; retry the refused")
    p.add_argument("action", choices=("status", "retry"))
    _add_setting_flags(p)
    p.set_defaults(func=cmd_lrs)

    p = sub.add_parser("deploy", help="print the nginx configuration for several elan serve processes")
    p.add_argument("what", choices=("nginx",))
    p.add_argument("--backend", action="append", required=True, help="host:port of an elan serve process (repeat)")
    p.add_argument("--listen", default="80", help="what nginx listens on, e.g. 443 ssl or 127.0.0.1:8080")
    p.add_argument("--server-name", default="_")
    p.set_defaults(func=cmd_deploy)

    p = sub.add_parser("upgrade", help="apply schema migrations to the store (never loses data)")
    _add_setting_flags(p)
    p.set_defaults(func=cmd_upgrade)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "trainer" and args.action in ("add", "remove") and not args.name:
        parser().error("trainer add/remove needs a NAME")
    if args.command == "content" and args.action == "import" and args.kind and not args.file:
        args.kind, args.file = None, args.kind  # elan content import FILE.xlsx
    if args.command == "content" and args.action != "list" and not args.file:
        parser().error("content export needs KIND FILE.xlsx; content import needs FILE.xlsx")
    if args.command == "content" and args.action == "export" and args.kind not in ("cases", "ideas", "examples"):
        parser().error("content export: KIND is cases, ideas or examples")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
