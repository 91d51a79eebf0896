"""Rendering short clips and compilations from a source video (ffmpeg, PyAV, libass). No models: the
stages in clips.stages hand these functions plain values."""
