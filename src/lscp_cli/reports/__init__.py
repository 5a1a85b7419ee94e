"""What the partnership reports after the Rapid Review: the action tracker, the figures, the
board report, and the deadlines as a calendar feed. Domain code: no click, no rich."""
