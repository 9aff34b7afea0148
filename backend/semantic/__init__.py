"""The semantic model: every business number defined once — measures, dimensions and the facts they are counted
over (model.py, facts.py, measures.py, dimensions.py), the business rules they apply (rules.py), periods
(periods.py) — and the engine that answers a query over them (engine.py). query_data, the reports, the customer
brief and the demo summary all read their figures through it."""
