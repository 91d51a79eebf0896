"""The models: detection, transcription, text on screen, embeddings, upscaling (see docs/architecture.md).

CTranslate2 (transcription) runs its threads under the OpenMP runtime it ships, which reads
OMP_WAIT_POLICY once, as `import ctranslate2` loads it: this package sets it first. Its threads then sleep
when idle instead of spinning. Spinning, they took about 10 CPU seconds of a 5-minute video from the render
that runs beside transcription; sleeping, transcription alone takes about 2 % longer (bench/RESULTS.md). A
deployment that sets the variable keeps its own.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
