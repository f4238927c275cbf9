"""Commonroom: the peer community platform for virtual Intensive Outpatient Programs."""
