"""The `tandem` command line: set-up, demo data, imports, and (later) the assistant and the server."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Tandem — a conversational CRM/ERP. Every command creates and migrates the database on first use.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err_console = Console(stderr=True)


def _engine():
    from backend.db import ensure_database

    return ensure_database()


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def init() -> None:
    """Create the database (or migrate it to the latest schema)."""
    from backend.settings import get_settings

    _engine()
    console.print(f"Database ready: {get_settings().resolved_database_url}")


@app.command()
def demo(seed: int = typer.Option(7, help="Random seed; the same seed gives the same company.")) -> None:
    """Create the demo company (once; re-running keeps existing data) and print a summary."""
    from backend.db import transaction
    from backend.demo import create_demo_company, demo_summary

    engine = _engine()
    with transaction(engine) as session:
        created = create_demo_company(session, seed=seed, progress=True)
    with transaction(engine) as session:
        summary = demo_summary(session)
    console.print("Demo company created." if created else "Demo company already present; nothing changed.")
    for label, value in summary.items():
        console.print(f"  {label:<28} {value}")


@app.command()
def seed(customers: int = typer.Option(1000, help="How many customers to add."),
         orders: int = typer.Option(10000, help="How many order lines to add."),
         random_seed: int = typer.Option(11, "--seed", help="Random seed.")) -> None:
    """Generate large volumes of synthetic data for benchmarks (fast bulk inserts)."""
    from backend.seed import seed_volume

    stats = seed_volume(_engine(), customers=customers, order_lines=orders, seed=random_seed, progress=True)
    console.print(f"Inserted {stats.rows:,} rows in {stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)")


@app.command("import")
def import_csv(directory: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder with the CSV files."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check everything, write nothing.")) -> None:
    """Import CSV files (company, employees, customers, ... payments) in one transaction."""
    from backend.db import transaction
    from backend.importers.csv_import import ImportFailed, import_directory

    engine = _engine()
    try:
        with transaction(engine) as session:
            report = import_directory(session, directory, dry_run=dry_run, progress=True)
            if dry_run:
                session.rollback()
    except ImportFailed as exc:
        err_console.print(f"[bold red]Import failed; nothing was written.[/] {len(exc.errors)} problem(s):")
        for line in exc.errors[:50]:
            err_console.print(f"  - {line}")
        if len(exc.errors) > 50:
            err_console.print(f"  ... and {len(exc.errors) - 50} more")
        raise typer.Exit(1)
    verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
    console.print(f"{verb}: " + ", ".join(f"{name} {count:,}" for name, count in report.counts.items()))
    console.print(f"{report.rows:,} rows in {report.seconds:.2f} s ({report.rows_per_second:,.0f} rows/s)")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
