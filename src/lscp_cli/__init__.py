"""lscp: serious child safeguarding incidents, rapid reviews and CSPRs for a partnership."""

__version__ = "0.1.0"
