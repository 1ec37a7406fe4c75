"""Who may use Koers: accounts, sessions and the audit log, kept apart from the warehouse."""
