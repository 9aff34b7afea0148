"""Bulk imports into the system of record; `csv_import.import_directory` loads a folder of CSV files."""
from backend.importers.csv_import import ImportFailed, ImportReport, import_directory

__all__ = ["ImportFailed", "ImportReport", "import_directory"]
