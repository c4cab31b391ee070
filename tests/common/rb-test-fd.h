/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Passing a ring's fd to another process over a Unix socket (SCM_RIGHTS),
 * as an application hands out an anonymous ring: tests/lib/test-shared.c
 * and tests/process/test-xproc.c. */

#pragma once

#include <glib.h>

#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* One byte and room for one fd: what both ends pass to the kernel. */
typedef struct {
  char byte;
  struct iovec iov;
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } u;
  struct msghdr msg;
} RbTestFdMsg;

static inline void
rb_test_fd_msg_init (RbTestFdMsg *m)
{
  memset (m, 0, sizeof *m);
  m->byte = 'f';
  m->iov.iov_base = &m->byte;
  m->iov.iov_len = 1;
  m->msg.msg_iov = &m->iov;
  m->msg.msg_iovlen = 1;
  m->msg.msg_control = m->u.buf;
  m->msg.msg_controllen = sizeof m->u.buf;
}

/* Sends @fd with one byte over @sock. */
static inline void
rb_test_send_fd (int sock, int fd)
{
  RbTestFdMsg m;
  struct cmsghdr *cmsg;

  rb_test_fd_msg_init (&m);
  cmsg = CMSG_FIRSTHDR (&m.msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  g_assert_cmpint (sendmsg (sock, &m.msg, 0), ==, 1);
}

/* The fd sent over @sock (close-on-exec), or -1 if none came. */
static inline int
rb_test_recv_fd (int sock)
{
  RbTestFdMsg m;
  struct cmsghdr *cmsg;
  int fd;

  rb_test_fd_msg_init (&m);
  if (recvmsg (sock, &m.msg, MSG_CMSG_CLOEXEC) != 1 ||
      (m.msg.msg_flags & MSG_CTRUNC))
    return -1;
  cmsg = CMSG_FIRSTHDR (&m.msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET ||
      cmsg->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}
