"""Peer structures: affinity groups, buddies, mentors, alumni."""
