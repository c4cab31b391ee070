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

/* Sends @fd with one byte over @sock. */
static inline void
rb_test_send_fd (int sock, int fd)
{
  char byte = 'f';
  struct iovec iov = { &byte, 1 };
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } u;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;

  memset (&u, 0, sizeof u);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  g_assert_cmpint (sendmsg (sock, &msg, 0), ==, 1);
}

/* The fd sent over @sock (close-on-exec), or -1 if none came. */
static inline int
rb_test_recv_fd (int sock)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } u;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  int fd;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) != 1 ||
      (msg.msg_flags & MSG_CTRUNC))
    return -1;
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET ||
      cmsg->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}
