"""The Channels layer: channels_redis with a blocking pop shorter than redis-py's socket read timeout.

redis-py 8 reads with a 5 s socket timeout by default, exactly channels_redis's 5 s blocking pop, so a
receive() with nothing to read for 5 s could raise TimeoutError (a silent stage broke the CLI's
progress watch and the pages' WebSockets). A 2 s pop answers well inside the read timeout; receive()
simply pops again, so waiting any length of time works.
"""

from channels_redis.core import RedisChannelLayer


class ChannelLayer(RedisChannelLayer):
    brpop_timeout = 2  # seconds, < redis-py's 5 s socket read timeout
