"""The double-entry general ledger: chart of accounts, posting rules, moving-average cost, closing, balances."""
