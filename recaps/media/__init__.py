"""Recap rendering: script scenes over source footage, narration over ducked source sound."""
