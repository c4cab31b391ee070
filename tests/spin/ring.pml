/*
 * ring.pml -- SPIN/Promela model of the ringbridge SPSC ring index protocol
 * (lib/ringbridge/rb-ring-core.c: rb_ring_core_write / rb_ring_core_read).
 *
 * What is modelled
 *   - One producer and one consumer sharing `write_pos`, `read_pos` and the
 *     slot array `data[]`.  Positions are free-running unsigned counters;
 *     here they are 8-bit (Promela `byte`) so that the counter wrap-around
 *     (255 -> 0) is exercised: NITEMS items make the positions wrap
 *     NITEMS/256 times.  Every difference of two positions is computed
 *     modulo 256 with an explicit `& PMASK`, because Promela evaluates
 *     intermediate expressions as int (a byte only wraps on assignment).
 *   - CAP is a power of two, slot offset = pos & (CAP - 1).
 *   - Each call moves k = 1..2 items (chosen nondeterministically, the
 *     call transfers min(k, available) items): a chunked write copies all
 *     its items, then publishes write_pos once; a chunked read copies all
 *     its items out, then publishes read_pos once.
 *   - Item number i carries the value i mod 256 (0, 1, 2, ...), so the
 *     consumer knows which value must come next.
 *
 * What is NOT modelled
 *   SPIN explores interleavings under sequential consistency.  This model
 *   therefore checks the *protocol* (ordering of copy vs. publish, the full
 *   and empty tests, the offset mask, wrap-around arithmetic), not the C11
 *   memory ordering.  In the C code the required ordering is provided by
 *   the acquire loads (producer: read_pos, consumer: write_pos) and the
 *   release stores (producer: write_pos after the memcpy into the ring,
 *   consumer: read_pos after copying out); that pairing is what makes the
 *   sequentially-consistent interleavings explored here the only ones
 *   that matter.
 *
 * Properties checked (all as assertions, plus invalid end states):
 *   P1 every item read equals the expected next value (no stale or torn
 *      read: a slot is written before its position is published, and not
 *      overwritten before the consumer has released it);
 *   P2 the producer never stores into a slot the consumer has not released:
 *      ((pos - read_pos) mod 256) < CAP before every store;
 *   P3 the invariant ((write_pos - read_pos) mod 256) <= CAP holds in every
 *      reachable state.  The two counters only change in the two publish
 *      steps, so it is asserted atomically together with each of them
 *      (and it holds initially);
 *   P4 the consumer never sees a "corrupt" ring ((cached_w - r) > CAP);
 *   P5 termination: both processes end, the consumer having read exactly
 *      NITEMS items (asserted at the end).  A state in which a process is
 *      stuck (e.g. producer waiting on a full ring that is never drained)
 *      is reported by pan as an invalid end state.
 *
 * "Retry later": when the ring is still full (empty) after the reload,
 * the C function returns 0 and the caller calls again later.  A retry that
 * re-reads the same read_pos (write_pos) leads back to exactly the same
 * state, so it is modelled as blocking until the shared counter has
 * changed and then reloading.  This loses no behaviour, keeps the state
 * graph acyclic (counters only grow) and turns any livelock into a
 * deadlock, which pan reports as an invalid end state.
 *
 * Mutants (compile-time, e.g. `spin -DMUTANT_PUBLISH_EARLY -a ring.pml`);
 * each must make pan report at least one error:
 *   MUTANT_PUBLISH_EARLY   producer publishes write_pos before storing data
 *   MUTANT_FULL_OFF_BY_ONE producer treats the ring as full only when
 *                          (w - cached_r) > CAP, i.e. may write at == CAP
 *   MUTANT_MASK            offset = pos & CAP instead of pos & (CAP - 1)
 *                          (data[] gets CAP+1 slots so no index is out of
 *                          bounds; the failure is a wrong value read)
 *   MUTANT_RELEASE_EARLY   consumer publishes read_pos before reading data
 *                          out of the ring
 */

#ifndef CAP
#define CAP     4               /* ring capacity, power of two */
#endif
#ifndef NITEMS
#define NITEMS  600             /* items transferred; > 512: wraps twice */
#endif
#define PMASK   255             /* 8-bit position counters */
#define MAXCHUNK 2              /* 1..MAXCHUNK items per call (the `want`
                                 * choices below must match) */

#ifdef MUTANT_MASK
#define OFF(p)  ((p) & CAP)             /* BUG: should be CAP - 1 */
#define NSLOTS  (CAP + 1)
#else
#define OFF(p)  ((p) & (CAP - 1))       /* offset of position p */
#define NSLOTS  CAP
#endif

#define DIFF(a, b)  (((a) - (b)) & PMASK)   /* unsigned a - b, mod 256 */
#define INVARIANT   (DIFF(write_pos, read_pos) <= CAP)

/* Shared ring state (struct rb_ring_core in the C code). */
byte write_pos = 0;             /* _Atomic, written only by the producer */
byte read_pos = 0;              /* _Atomic, written only by the consumer */
byte data[NSLOTS];              /* the slot memory */

/* Initial slot contents are "garbage" that differs from the first values
 * the consumer expects, so reading a never-written slot is caught too. */
init {
	atomic {
		byte s = 0;
		do
		:: s < NSLOTS -> data[s] = PMASK - s; s++
		:: else -> break
		od;
		run producer();
		run consumer()
	}
}

/* Producer: repeated calls of rb_ring_core_write(ring, buf, k). */
proctype producer()
{
	byte w = 0;             /* producer-private copy of write_pos */
	byte cached_r = 0;      /* producer's cached read_pos */
	short np = 0;           /* items produced so far (test harness) */
	byte want, n, i;

	do
	:: np >= NITEMS -> break
	:: else ->
		/* the caller asks to write k = 1..MAXCHUNK items */
		if
		:: want = 1
		:: want = 2
		fi;
		if
		:: want > NITEMS - np -> want = NITEMS - np
		:: else -> skip
		fi;

		/* Full test against the cached read position. */
retry_full:
#ifdef MUTANT_FULL_OFF_BY_ONE
		n = CAP + 1 - DIFF(w, cached_r);        /* BUG: full only if > CAP */
#else
		n = CAP - DIFF(w, cached_r);            /* free slots */
#endif
		if
		:: n == 0 ->
			/* looks full: reload read_pos (acquire load in C) */
			cached_r = read_pos;
#ifdef MUTANT_FULL_OFF_BY_ONE
			n = CAP + 1 - DIFF(w, cached_r);
#else
			n = CAP - DIFF(w, cached_r);
#endif
			if
			:: n == 0 ->
				/* still full: write returns 0, caller retries
				 * later (see header: block until read_pos moves) */
				(read_pos != cached_r);
				goto retry_full
			:: else -> skip
			fi
		:: else -> skip
		fi;
		if
		:: n > want -> n = want
		:: else -> skip
		fi;

#ifdef MUTANT_PUBLISH_EARLY
		/* BUG: release store of write_pos before the copy */
		atomic { write_pos = (w + n) & PMASK; assert(INVARIANT) };
#endif
		/* memcpy of the n items into the ring, one slot store per step */
		i = 0;
		do
		:: i < n ->
			atomic {
				/* P2: never overwrite a slot not yet released */
				assert(DIFF(w + i, read_pos) < CAP);
				data[OFF(w + i)] = (np + i) & PMASK;
				i++
			}
		:: else -> break
		od;
#ifndef MUTANT_PUBLISH_EARLY
		/* release store: publish write_pos only after the copy */
		atomic { write_pos = (w + n) & PMASK; assert(INVARIANT) };
#endif
		w = (w + n) & PMASK;
		np = np + n;
		i = 0; n = 0; want = 0   /* dead locals: keep the state small */
	od;
	assert(np == NITEMS)
}

/* Consumer: repeated calls of rb_ring_core_read(ring, buf, k). */
proctype consumer()
{
	byte r = 0;             /* consumer-private copy of read_pos */
	byte cached_w = 0;      /* consumer's cached write_pos */
	short nc = 0;           /* items consumed so far (test harness) */
	byte want, n, i, v;

	do
	:: nc >= NITEMS -> break
	:: else ->
		/* the caller asks to read k = 1..MAXCHUNK items */
		if
		:: want = 1
		:: want = 2
		fi;

		/* Empty test against the cached write position. */
retry_empty:
		if
		:: cached_w == r ->
			/* looks empty: reload write_pos (acquire load in C) */
			cached_w = write_pos;
			if
			:: cached_w == r ->
				/* still empty: read returns 0, caller retries
				 * later (see header: block until write_pos moves) */
				(write_pos != cached_w);
				goto retry_empty
			:: else -> skip
			fi
		:: else -> skip
		fi;
		/* P4: validation of the loaded position ("corrupt" in C) */
		n = DIFF(cached_w, r);
		assert(n <= CAP);
		if
		:: n > want -> n = want
		:: else -> skip
		fi;

#ifdef MUTANT_RELEASE_EARLY
		/* BUG: release store of read_pos before copying the items out */
		atomic { read_pos = (r + n) & PMASK; assert(INVARIANT) };
#endif
		/* copy the n items out, one slot load per step, and check
		 * each against the expected sequence value (P1) */
		i = 0;
		do
		:: i < n ->
			atomic {
				v = data[OFF(r + i)];
				assert(v == ((nc + i) & PMASK));
				v = 0;
				i++
			}
		:: else -> break
		od;
#ifndef MUTANT_RELEASE_EARLY
		/* release store: publish read_pos only after the copy */
		atomic { read_pos = (r + n) & PMASK; assert(INVARIANT) };
#endif
		r = (r + n) & PMASK;
		nc = nc + n;
		i = 0; n = 0; want = 0   /* dead locals: keep the state small */
	od;
	/* P5: the consumer has read every item */
	assert(nc == NITEMS)
}
