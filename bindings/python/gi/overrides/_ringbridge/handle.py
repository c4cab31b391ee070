# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""A ring's file descriptor for another process: ``Ring.share()``'s
:class:`RingHandle`, which multiprocessing passes as SCM_RIGHTS."""

import os

from .args import _role


# --- passing a ring to another process ---------------------------------------

class RingHandle:
    """A ring's file descriptor and the role another process should take.

    Made by :meth:`Ring.share`.  Send it to a :mod:`multiprocessing` child
    (as a Process argument or through a Queue or Pipe): multiprocessing
    passes the descriptor itself (SCM_RIGHTS), so the other process maps
    the same memory.  There, :meth:`open` attaches.  The handle owns a
    duplicate of the descriptor; :meth:`close` it (or use ``with``) when
    done.  It cannot be pickled for anything but multiprocessing.
    """

    def __init__(self, fd, role):
        self._fd = fd
        self.role = _role(role)

    def fileno(self):
        """The descriptor (the handle still owns it)."""
        if self._fd < 0:
            raise ValueError('the handle is closed')
        return self._fd

    def open(self):
        """Attaches to the ring with the handle's role and returns it."""
        from gi.repository import RingBridge   # the overrides: Ring
        return RingBridge.Ring.new_from_fd(self.fileno(), self.role)

    def close(self):
        """Closes the handle's descriptor (a ring already opened from it
        stays attached).  Closing twice is harmless."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def __reduce__(self):
        raise TypeError('a RingHandle can only be sent to another process by '
                        'multiprocessing, which passes its file descriptor')


def _rebuild_handle(dupfd, role):
    return RingHandle(dupfd.detach(), role)


def _reduce_handle(handle):
    from multiprocessing.reduction import DupFd
    return _rebuild_handle, (DupFd(handle.fileno()), int(handle.role))


# pickle finds these through the module users import.
RingHandle.__module__ = 'gi.repository.RingBridge'
_rebuild_handle.__module__ = 'gi.repository.RingBridge'
_reducer_registered = False


def _register_reducer():
    global _reducer_registered
    if not _reducer_registered:
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.register(RingHandle, _reduce_handle)
        _reducer_registered = True
