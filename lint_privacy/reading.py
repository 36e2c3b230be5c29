"""How any file is read: only regular files, never more than a bound (:func:`read_regular`)."""

from __future__ import annotations

import os
import stat

from .errors import Refused


def read_regular(path: str | os.PathLike[str], limit: int, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A FIFO, a socket, a device or a
    folder is never opened for reading (a FIFO would block, ``/dev/zero`` never ends), a larger
    file is never read: :class:`Refused` says which. ``follow_links`` False: a symbolic link is
    refused too (the cache's own entries are never links). Other failures: the ``OSError``."""
    st = os.stat(path) if follow_links else os.lstat(path)
    _check_regular(st, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)  # non-blocking: swapped for a FIFO since the stat, it still returns
    try:
        _check_regular(os.fstat(fd), limit)  # what was opened, not what was there a moment ago
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:  # grew while it was read
        raise Refused(f"it is larger than the limit of {limit:,} bytes", too_large=True)
    return b"".join(chunks)


def _check_regular(st: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"it is {_kind(st.st_mode)}, not a regular file")
    if st.st_size > limit:
        raise Refused(f"it is {st.st_size:,} bytes, larger than the limit of {limit:,}", too_large=True)


def _kind(mode: int) -> str:
    for test, words in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return words
    return "a special file"

