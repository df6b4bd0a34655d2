"""What the platform's monitoring is made from (alert rules per namespace)."""
