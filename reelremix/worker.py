"""Module the `dramatiq` command loads: sets Django up, which installs the broker and imports actors.

dramatiq reelremix.worker --queues default gpu
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
django.setup()
