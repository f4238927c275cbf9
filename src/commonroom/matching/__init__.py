"""Matching algorithms as pure functions (no Django import): buddy pairing,
mentor assignment, breakout rooms. Deterministic for a given seed."""
