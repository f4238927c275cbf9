"""Affinity groups: a program's catalogue, private requests to join, and the
membership that only the group's members and staff may see."""
