"""One web server process: `python -m reelremix.web FD` serves HTTP and WebSockets (uvicorn, uvloop,
httptools) on the listening TCP socket inherited as file descriptor FD (see stack.start_web).

uvicorn's own --fd takes the descriptor for a Unix socket, and TCP connections accepted from it then
go without TCP_NODELAY: small answers waited 40 ms for the client's delayed acknowledgement."""

from __future__ import annotations

import socket
import sys

import uvicorn


def main(fd: int) -> None:
    listener = socket.socket(fileno=fd)  # the family and type of the descriptor itself
    config = uvicorn.Config(
        "reelremix.asgi:application", loop="uvloop", http="httptools", ws="websockets-sansio",
        lifespan="off", access_log=False, timeout_graceful_shutdown=10,
        log_config=None,  # uvicorn's lines go through the settings' LOGGING (JSON, with the context)
    )  # fmt: skip
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main(int(sys.argv[1]))
