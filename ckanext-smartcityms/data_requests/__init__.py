"""Datenwünsche (data requests): anyone asks for data the portal lacks; editors
answer. One table of our own (model.py, with its alembic migration in
migration/), the checks a request passes (checks.py: bounds and a spam check
that needs no outside service), the rate limit (rate_limit.py), the actions
(actions.py). The contact of a request is personal data: only the people who
answer requests ever see it, and it can be deleted (actions.py)."""
