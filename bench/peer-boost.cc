// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The ringbridge authors

// The C shim over boost::lockfree::spsc_queue<char> (peer-boost.h). A
// queue is either runtime-sized (its buffer from the allocator) or one of
// the compile-time sized ones for the benchmarks' two capacities (64 KiB
// and 1 MiB, bench-tput.c), whose buffer is part of the object. The
// struct records which, so push and pop take one predictable branch.

#include "peer-boost.h"

#include <boost/lockfree/spsc_queue.hpp>

#include <new>

namespace {

typedef boost::lockfree::spsc_queue<char> runtime_queue;
typedef boost::lockfree::spsc_queue<char,
    boost::lockfree::capacity<64 * 1024>> queue_64k;
typedef boost::lockfree::spsc_queue<char,
    boost::lockfree::capacity<1024 * 1024>> queue_1m;

enum kind { KIND_RUNTIME, KIND_64K, KIND_1M };

size_t
queue_offset ()
{
  return 64;                    // the header below, padded to a line
}

}  // namespace

struct bench_boost {
  kind k;
  runtime_queue *runtime;       // KIND_RUNTIME only
};

extern "C" bench_boost *
bench_boost_new (size_t capacity)
{
  try {
    bench_boost *q = new bench_boost;
    q->k = KIND_RUNTIME;
    q->runtime = new runtime_queue (capacity);
    return q;
  } catch (...) {
    return nullptr;
  }
}

extern "C" void
bench_boost_free (bench_boost *q)
{
  if (q == nullptr || q->k != KIND_RUNTIME)
    return;
  delete q->runtime;
  delete q;
}

extern "C" size_t
bench_boost_placed_size (size_t capacity)
{
  if (capacity == 64 * 1024)
    return queue_offset () + sizeof (queue_64k);
  if (capacity == 1024 * 1024)
    return queue_offset () + sizeof (queue_1m);
  return 0;
}

extern "C" bench_boost *
bench_boost_place (void *mem, size_t capacity)
{
  static_assert (sizeof (bench_boost) <= 64, "the header fits its line");
  bench_boost *q = new (mem) bench_boost;
  void *at = static_cast<char *> (mem) + queue_offset ();

  q->runtime = nullptr;
  if (capacity == 64 * 1024) {
    q->k = KIND_64K;
    new (at) queue_64k ();
  } else if (capacity == 1024 * 1024) {
    q->k = KIND_1M;
    new (at) queue_1m ();
  } else {
    return nullptr;
  }
  return q;
}

namespace {

// Calls @op on the queue @obj is, whichever kind it is.
template <typename Op>
size_t
with_queue (void *obj, Op op)
{
  bench_boost *q = static_cast<bench_boost *> (obj);
  void *at = reinterpret_cast<char *> (q) + queue_offset ();

  switch (q->k) {
    case KIND_64K:
      return op (*static_cast<queue_64k *> (at));
    case KIND_1M:
      return op (*static_cast<queue_1m *> (at));
    default:
      return op (*q->runtime);
  }
}

}  // namespace

extern "C" size_t
bench_boost_push (void *obj, uint8_t *buf, size_t len)
{
  const char *p = reinterpret_cast<const char *> (buf);

  return with_queue (obj, [=] (auto &queue) { return queue.push (p, len); });
}

extern "C" size_t
bench_boost_pop (void *obj, uint8_t *buf, size_t len)
{
  char *p = reinterpret_cast<char *> (buf);

  return with_queue (obj, [=] (auto &queue) { return queue.pop (p, len); });
}
