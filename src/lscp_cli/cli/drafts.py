"""`lscp draft` and `lscp templates`: letters from a case, and the templates behind them.

The domain work (Jinja, pandoc) is in the `lscp_cli.drafts` package, imported inside each command
(or through `Casebook.templates`) so that other commands never pay for loading jinja2.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from lscp_cli.base import portable
from lscp_cli.cli import console
from lscp_cli.cli.app import (
    DATE,
    AppContext,
    Choice,
    SummaryGroup,
    WholeNumber,
    format_option,
    pass_app,
)
from lscp_cli.errors import ActionRequired, AgencyRequired, DraftOptionError
from lscp_cli.formats import DRAFT_EXTENSIONS, DRAFT_FORMATS
from lscp_cli.model import dates

# Documents lscp does not write: a file named so would not open as what it says it is.
_OTHER_DOCUMENTS = (".pdf", ".doc", ".odt", ".rtf", ".xps")


def output_format(fmt: str | None, output: Path | None, default: str = "md") -> str:
    """The format asked for: `--format`, else the extension of `-o FILE`, else `default`
    (lscp.toml `[drafts] format`).

    A file name must not promise what the file is not: a Word document is named .docx, and
    lscp writes no PDF (print the .docx or the .html page to PDF).
    """
    if output is None:
        return fmt or default
    suffix = output.suffix.lower()
    if suffix in _OTHER_DOCUMENTS:
        raise click.UsageError(
            f"lscp does not write {suffix.lstrip('.').upper()} files, and {output.name!r} would "
            "not open as one: name it .docx (a Word document) or .html (a page to print), and "
            "make the PDF from Word or the browser"
        )
    implied = DRAFT_EXTENSIONS.get(suffix)
    if fmt is None:
        if implied is None:
            raise click.UsageError(
                f"cannot tell the format from {output.name!r}: end the file name with .md, "
                ".html or .docx"
            )
        return implied
    if implied is not None and implied != fmt:
        raise click.UsageError(
            f"--format {fmt} but {output.name!r} is a {suffix} file: "
            f"drop --format (the extension decides) or name the file .{fmt}"
        )
    if fmt == "docx" and implied is None:
        raise click.UsageError(
            f"a Word document is named .docx, and {output.name!r} is not: name the file "
            f"{output.stem}.docx"
        )
    return fmt


@click.command()
@click.argument("case_id", metavar="ID")
@click.argument("template")
@click.option(
    "--format",
    "fmt",
    type=Choice(DRAFT_FORMATS),
    default=None,
    help="Markdown, a printable HTML page, or a Word document. With -o the file's extension "
    "decides; otherwise lscp.toml [drafts] format (Markdown if it is not set).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; .md, .html or .docx picks the format. Default: drafts/ID/TEMPLATE"
    "[-AGENCY][-action-N].FORMAT in the casebook.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--agency", metavar="NAME",
              help="The agency a letter is to (agency-request): its name as recorded, or a "
              "part of it that names one agency only (any case).")
@click.option("--new-agency", is_flag=True,
              help="With --agency FULL NAME: an agency not asked yet (its return date is worked "
              "out as if asked on the letter's date).")
@click.option("--due", type=DATE, metavar="DATE",
              help="The new date a reminder to an agency asks for (agency-request once the "
              "reply is late; default: the agency-return rule counted from the letter's date).")
@click.option("--event", type=DATE, metavar="DATE",
              help="The practitioner event an invitation is to (practitioner-invitation; "
              "default: the next one).")
@click.option(
    "--action",
    type=WholeNumber("an action's number as `lscp show` lists it, e.g. 1", 1),
    metavar="N",
    help="The action a letter is about, numbered as `lscp show` lists them "
    "(action-update-request).",
)
@click.option(
    "--final",
    is_flag=True,
    help="The letter to send: refused while any [placeholder] remains (each is listed); "
    "no DRAFT line.",
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the draft instead (md, html).")
@click.option("--date", "letter_date", type=DATE, help="Date the letter (default today).")
@pass_app
def draft(
    app: AppContext,
    case_id: str,
    template: str,
    fmt: str | None,
    output: Path | None,
    force: bool,
    agency: str | None,
    new_agency: bool,
    due: date | None,
    event: date | None,
    action: int | None,
    final: bool,
    to_stdout: bool,
    letter_date: date | None,
) -> None:
    """Draft a letter or summary for case ID from TEMPLATE (see `lscp templates`).

    Every fact comes from the case file; anything not recorded yet shows as a [bracketed]
    gap to fill. The draft is marked DRAFT and with the protective marking; --final leaves
    DRAFT out once nothing is left to fill.

    \b
    Examples:
      lscp draft LSCP-2025-001 panel-notification
      lscp draft LSCP-2025-001 agency-request --format docx \\
        --agency "West Yorkshire Police"
      lscp draft LSCP-2025-001 action-update-request --action 2 -o update.docx
      lscp draft LSCP-2025-001 rapid-review-summary --format html --stdout
    """
    from lscp_cli.drafts import draft_for_case

    if to_stdout and output is not None:
        raise click.UsageError("use either --stdout or -o FILE, not both")
    if output is not None:
        # Casebooks live on shares Windows PCs read: a name Windows refuses is refused here too.
        if problem := portable.windows_name_problem(output.name):
            raise click.BadParameter(f"{output.name!r} {problem}; choose another file name",
                                     param_hint="-o")
    # --stdout shows the text: Markdown, whatever Word default lscp.toml sets for files.
    default = "md" if to_stdout else app.casebook.settings.draft_format
    fmt = output_format(fmt, output, default)
    if to_stdout and fmt == "docx":
        raise click.UsageError("a Word document cannot go to the terminal; drop --stdout")
    # The officer's own calendar day is meant, as everywhere in lscp.
    today = letter_date or dates.today()
    try:
        result = draft_for_case(app.casebook, case_id, template, fmt, agency=agency,
                                action=action, today=today, final=final,
                                new_agency=new_agency, event=event, due=due)
    except (AgencyRequired, ActionRequired, DraftOptionError) as exc:
        raise click.UsageError(exc.command_line()) from None
    if result.agency_not_yet_asked:
        console.warning(
            f"{result.agency} has not been asked yet: the return date is worked out as if asked "
            f"on {today.isoformat()}. Record the request with `lscp record {result.case_id} "
            f'agency-requested --agency "{result.agency}"`.'
        )
    if result.reply_by is not None:
        console.info(f"The reminder asks {result.agency} to reply by "
                     f"{result.reply_by.isoformat()} (--due DATE for another date).")
    for label, text in result.quoted:
        # The officer's own words, going out in the letter: shown so they can check them.
        console.info(f"The letter quotes {label}: \"{text}\"")
    if to_stdout:
        sys.stdout.write(console.visible(result.text))
        return
    path = app.casebook.write_draft(result, output, overwrite=force)
    console.result(str(path))


@click.group(cls=SummaryGroup, invoke_without_command=True)
@format_option()
@pass_app
@click.pass_context
def templates(ctx: click.Context, app: AppContext, fmt: str) -> None:
    """List the letter templates, what each is for, and which your casebook overrides.

    A template in the casebook's templates/ folder with a built-in's name replaces it.

    \b
    Examples:
      lscp templates
      lscp templates --format json
      lscp templates show panel-notification
      lscp templates copy panel-notification
        (then edit templates/panel-notification.md.j2 in the casebook)
    """
    if ctx.invoked_subcommand is not None:
        return
    infos = app.casebook.templates.templates()
    records = [
        {
            "name": t.name,
            "source": ("casebook" if t.overridden or not t.builtin else "built-in"),
            "description": t.description,
            "requires": ", ".join(f"--{r}" for r in t.requires),
            "path": t.origin,
        }
        for t in infos
    ]
    console.render_records(
        records,
        [
            console.Column("name", "Template"),
            console.Column("source", "From"),
            console.Column("description", "What it is for", min_width=30),
            console.Column("requires", "Needs"),
            console.Column("path", "File", table=False),
        ],
        fmt,
        empty="No templates found.",
        footer="Names starting _ are shared parts. `lscp templates copy NAME` copies one into "
        "the casebook to edit; `lscp templates copy reference.docx` gives Word styles to restyle.",
    )


@templates.command("show")
@click.argument("name")
@pass_app
def templates_show(app: AppContext, name: str) -> None:
    """Print the source of template NAME (the casebook's copy if it has one)."""
    source = app.casebook.templates.source(name)
    console.info(f"# {source.origin}")
    sys.stdout.write(console.visible(source.text))


@templates.command("copy")
@click.argument("name")
@click.option("--force", is_flag=True, help="Replace the casebook's copy if it has one.")
@pass_app
def templates_copy(app: AppContext, name: str, force: bool) -> None:
    """Copy built-in template NAME into the casebook's templates/ folder to edit.

    The copy then replaces the built-in for this casebook; delete it to go back.
    `lscp templates copy reference.docx` gives a Word document whose styles (fonts, headings,
    header and footer) --format docx then uses: restyle it in Word.
    """
    path = app.casebook.templates.copy(name, overwrite=force)
    console.result(str(path))
