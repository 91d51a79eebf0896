"""The censored render: `render_censored(src, out, info, plan)` writes `src` with the plan's boxes blurred and
its words bleeped or muted, re-encoding only what changes; `render_picture` renders the blurred picture ahead,
for a render_censored that then censors only the audio.

    censored.py      the pass over the source (or a picture and the source): route, progress, muxing, report
    video.py         what the source video is made of (packets, GOPs) and which route it takes
    video_output.py  writing the video: copied packets, spliced re-encoded GOPs, or a full re-encode
    h264.py          H.264 bitstream plumbing for splicing (avcC, NAL units, parameter sets)
    blur.py          where a frame is blurred (boxes along tracks) and how
    audio.py         the audio: copied, or bleeped and muted to the sample
"""

from media_jobs.media.render.censored import RenderReport, render_censored, render_picture

__all__ = ["RenderReport", "render_censored", "render_picture"]
