"""Live group sessions: schedule, video rooms, attendance, breakouts, prompts, co-leads."""
