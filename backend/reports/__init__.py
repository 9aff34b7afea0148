"""Business reports (sales, receivables, pipeline, stock): aggregate queries in SQL, arithmetic in Decimal.

Shared by the run_report tool and the finance report documents; nothing here knows who is asking —
callers pass the scope (which rep, which customer) in a ReportRequest.
"""
