"""`tandem import DIR`: load a company's CSV files in dependency order, all or nothing.

Two phases. Every file is read and checked first (types, required values, duplicates, references to other
files and to the database) and all problems are reported together. Only a clean folder is written, inside a
savepoint, so a failure while writing (a missing FX rate, a constraint) leaves the database as it was even
if the caller forgets to roll back. The caller owns the transaction and commits.
"""
from __future__ import annotations

import difflib
import gc
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from backend import ledger, numbering
from backend.errors import ValidationFailed
from backend.importers.catalog import ProductLoader
from backend.importers.company import CompanyLoader, EmployeeLoader, FxRateLoader
from backend.importers.crm import InteractionLoader, OpportunityLoader, TicketLoader
from backend.importers.customers import ContactLoader, CustomerLoader
from backend.importers.reading import Problems, read_table
from backend.importers.receivables import InvoiceLoader, PaymentLoader
from backend.importers.purchase_documents import PurchaseOrderLoader, SupplierBillLoader, SupplierPaymentLoader
from backend.importers.purchasing import OpeningBalanceLoader, SupplierLoader
from backend.importers.sales import OrderLineLoader, OrderLoader
from backend.importers.state import FileLoader, ImportState, chunked
from backend.models import Invoice, PaymentAllocation

# Dependency order: a file only refers to files above it.
LOADERS: tuple[type[FileLoader], ...] = (
    CompanyLoader, FxRateLoader, EmployeeLoader, CustomerLoader, ContactLoader, ProductLoader, OrderLoader,
    OrderLineLoader, InvoiceLoader, PaymentLoader, InteractionLoader, TicketLoader, OpportunityLoader,
    SupplierLoader, OpeningBalanceLoader, PurchaseOrderLoader, SupplierBillLoader, SupplierPaymentLoader,
)
FILE_NAMES = tuple(f"{loader.stem}.csv" for loader in LOADERS)


class ImportFailed(ValidationFailed):
    """The folder cannot be imported; `errors` lists every problem as 'file line N, column 'value': fix'."""

    code = "import_failed"

    def __init__(self, errors: list[str]):
        super().__init__(f"The import found {len(errors)} problem(s); nothing was written.",
                         hint="Correct the lines listed and run the import again; --dry-run checks without writing.",
                         details={"errors": errors})
        self.errors = list(errors)


@dataclass
class ImportReport:
    counts: dict[str, int]  # rows read per file (by stem), in import order
    rows: int
    seconds: float
    created: dict[str, int] = field(default_factory=dict)  # of the rows read, how many were new
    dry_run: bool = False

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float(self.rows)


def import_directory(session: Session, directory: Path, *, dry_run: bool = False, progress: bool = False) -> ImportReport:
    """Import every known CSV file in `directory`; raises ImportFailed (and writes nothing) on any problem."""
    with _collector_paused():
        return _import(session, Path(directory), dry_run=dry_run, progress=progress)


def _import(session: Session, directory: Path, *, dry_run: bool, progress: bool) -> ImportReport:
    started = time.perf_counter()
    say = _reporter(progress)
    problems = Problems()
    paths, misnamed = _find_files(directory, problems)
    if not paths:
        raise ImportFailed(problems.messages)

    state = ImportState(session, problems)
    state.broken |= misnamed  # 'customer.csv' must not also make every customer reference an error
    loaders: list[FileLoader] = []
    for loader_class in LOADERS:
        path = paths.get(loader_class.stem)
        if path is None:
            continue
        loader = loader_class()
        table = read_table(path, loader.columns, loader.required, problems)
        if table is None or not table.complete:
            state.broken.add(loader.stem)
            continue
        rows = list(table.rows(problems, state.timezone))
        loader.rows = len(rows)
        loader.parse(rows, state)
        loaders.append(loader)
        say(f"checked {loader.file:<20} {loader.rows:>10,} rows")
    if problems:
        raise ImportFailed(problems.messages)

    savepoint = session.begin_nested()
    try:
        _write(state, loaders, say)
    except BaseException as exc:
        savepoint.rollback()
        if isinstance(exc, DBAPIError):
            raise ImportFailed([f"the database refused the data ({_first_line(exc)})"]) from exc
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
        session.expire_all()  # bulk statements bypass objects the caller may hold
    report = ImportReport(counts={loader.stem: loader.rows for loader in loaders},
                          rows=sum(loader.rows for loader in loaders),
                          created={loader.stem: loader.created for loader in loaders},
                          seconds=time.perf_counter() - started, dry_run=dry_run)
    say(f"{'checked' if dry_run else 'imported'} {report.rows:,} rows in {report.seconds:.2f} s")
    return report


def _write(state: ImportState, loaders: list[FileLoader], say) -> None:
    session = state.session
    for loader in loaders:
        if loader.early:
            loader.write(state)
    ledger.company(session)  # a database imported without company.csv gets the default profile
    say("wrote company profile and FX rates")
    for loader in loaders:
        loader.prepare(state)
    say("priced orders, checked FX rates")
    if state.problems:
        raise ImportFailed(state.problems.messages)
    for loader in loaders:
        if not loader.early:
            loader.write(state)
            say(f"wrote   {loader.file:<20} {loader.created:>10,} new")
    session.flush()
    _refresh_invoices(state)
    _reserve_numbers(state)
    say("invoice statuses and document numbers updated")


def _refresh_invoices(state: ImportState) -> None:
    """Paid or open for every invoice the import touched: the rule of ledger.refresh_invoice_status (paid iff
    the allocations cover the amount; void stays void), applied a thousand invoices per query rather than
    with two statements per invoice."""
    session = state.session
    ids = sorted(state.invoices[number].id for number in state.invoices_to_refresh)
    becomes: dict[str, list[int]] = {"paid": [], "open": []}
    for chunk in chunked(ids):
        allocated = dict(session.execute(
            select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
            .where(PaymentAllocation.invoice_id.in_(chunk)).group_by(PaymentAllocation.invoice_id)).all())
        for invoice_id, amount, status in session.execute(
                select(Invoice.id, Invoice.amount, Invoice.status).where(Invoice.id.in_(chunk))):
            if status == "void":
                continue
            derived = "paid" if allocated.get(invoice_id, Decimal(0)) >= amount else "open"
            if derived != status:
                becomes[derived].append(invoice_id)
    for status, invoice_ids in becomes.items():
        for chunk in chunked(invoice_ids):
            session.execute(update(Invoice).where(Invoice.id.in_(chunk)).values(status=status)
                            .execution_options(synchronize_session=False))


def _reserve_numbers(state: ImportState) -> None:
    """Numbers like SO-2026-000123 move the gapless counter past them; other numbers are kept as they are."""
    for doc_type, numbers in state.document_numbers.items():
        numbering.reserve_numbers(state.session, doc_type, numbers)


def _find_files(directory: Path, problems: Problems) -> tuple[dict[str, Path], set[str]]:
    """The known files by stem, and the stems that a misnamed file probably meant."""
    if not directory.is_dir():
        problems.in_file(str(directory), "is not a folder; give the folder that holds the CSV files")
        return {}, set()
    found: dict[str, Path] = {}
    misnamed: set[str] = set()
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.suffix.lower() != ".csv" or path.name.startswith("."):
            continue
        if path.name in FILE_NAMES:
            found[path.stem] = path
            continue
        close = difflib.get_close_matches(path.name.lower(), FILE_NAMES, n=1, cutoff=0.6)
        if close:
            misnamed.add(Path(close[0]).stem)
        hint = f"rename it to {close[0]}" if close else "rename or remove it"
        problems.in_file(path.name, f"is not a file Tandem imports; {hint} (known files: {', '.join(FILE_NAMES)})")
    if not found and not problems:
        problems.in_file(str(directory), f"holds none of the import files ({', '.join(FILE_NAMES)})")
    return found, misnamed - set(found)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the run.

    An import keeps hundreds of thousands of small objects alive, none in reference cycles; the collector's
    repeated passes over them cost a fifth of the import's time. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0][:200] if text.strip() else type(exc).__name__


def _reporter(progress: bool):
    if not progress:
        return lambda message: None
    started = time.perf_counter()
    return lambda message: print(f"  {time.perf_counter() - started:6.2f} s  {message}", file=sys.stderr, flush=True)
