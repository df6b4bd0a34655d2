"""Delegation service: household files, the allocataire's delegation to the spouse, and the
authorization answers gateways ask before showing a page or starting a procedure."""
