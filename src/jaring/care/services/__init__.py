"""State changes in the care part: one transaction, permission check and audit event each.

Split by concern (cases, workflow, consent, referrals, transfers, protection); each
module imports only ``base`` and ``consent``, never another sibling, so there is
no cycle between them.
"""
