"""The case model: dates, values, agencies, a case's fields and their validation, intake, and
what `record` writes into a case."""
