/*
 * gurt/atomic.h - C11 atomics under the names gurt users expect.
 *
 * ATOMIC qualifies a shared counter (e.g. struct d_rlink's reference count). C++ has no
 * _Atomic qualifier, so there it expands to nothing and the structures keep their layout.
 */
#ifndef __GURT_ATOMIC_H__
#define __GURT_ATOMIC_H__

#ifndef __cplusplus
#include <stdatomic.h>

#ifdef __INTEL_COMPILER
/* icc's _Atomic support is incomplete; volatile keeps the same layout. */
#define ATOMIC volatile
#else
#define ATOMIC _Atomic
#endif

#else
#define ATOMIC
#endif

/*
 * Compare-and-swap taking the expected value by name rather than by address; on failure
 * oldvalue receives the current value. Weak: it may fail spuriously, so call it in a loop.
 */
#define atomic_compare_exchange(ptr, oldvalue, newvalue)                                           \
	atomic_compare_exchange_weak_explicit(ptr, &(oldvalue), newvalue, memory_order_relaxed,    \
					      memory_order_relaxed)

/* Publish value: writes before it are visible to whoever acquires it. */
#define atomic_store_release(ptr, value) atomic_store_explicit(ptr, value, memory_order_release)

/* Plain counters and statistics need atomicity, not ordering. */
#define atomic_store_relaxed(ptr, value) atomic_store_explicit(ptr, value, memory_order_relaxed)
#define atomic_load_relaxed(ptr)         atomic_load_explicit(ptr, memory_order_relaxed)
#define atomic_fetch_sub_relaxed(ptr, value)                                                       \
	atomic_fetch_sub_explicit(ptr, value, memory_order_relaxed)
#define atomic_fetch_add_relaxed(ptr, value)                                                       \
	atomic_fetch_add_explicit(ptr, value, memory_order_relaxed)

#endif /* __GURT_ATOMIC_H__ */
