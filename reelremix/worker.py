"""Module the `dramatiq` command loads: sets Django up, which installs the broker and imports actors.

dramatiq reelremix.worker --queues default gpu

`kill -USR1 <pid>` of a worker process writes every thread's stack to its stderr (the worker log), so an
operator can see where a worker that looks stuck is waiting, without stopping it.
"""

import faulthandler
import os
import signal
import sys

import django

if sys.__stderr__ is not None:
    faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
django.setup()
