"""What the portal asks of servers elsewhere: the one guarded HTTP client."""
