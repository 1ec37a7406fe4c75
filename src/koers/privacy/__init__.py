"""Privacy and access: who asks, which municipalities they serve, what level they may see."""

from koers.privacy.access import PUBLIC, Principal, PrivacyLevel

__all__ = ["PUBLIC", "Principal", "PrivacyLevel"]
