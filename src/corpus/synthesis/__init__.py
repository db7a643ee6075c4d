"""The end-of-event synthesis and the next problématiques, as content (no rendering).

`build` (ranked difficulties and levers per scope, the loop), `feedback` (participants'
retours), `actors` (who was around the table, who is missing), `problematiques` (open
questions for the next territory).
"""
