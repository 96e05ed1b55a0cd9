/*
 * gurt/list.h - intrusive linked lists.
 *
 * d_list_t is a circular doubly linked list: the head is a node like any other,
 * so insertion and removal never test for NULL. d_hlist_* is a singly linked
 * list with a one-pointer head, for hash buckets where heads outnumber nodes.
 *
 * Nothing here allocates or locks; callers embed the nodes in their own
 * structures and get back to them with d_list_entry().
 */
#ifndef __GURT_LIST_H__
#define __GURT_LIST_H__

#include <stddef.h>

#if !defined(container_of)
/* The structure of type that embeds member at address ptr. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct d_list_head {
	struct d_list_head *next, *prev;
};

typedef struct d_list_head d_list_t;

/* An empty list points at itself both ways. */
#define D_LIST_HEAD_INIT(name) { &(name), &(name) }

#define D_LIST_HEAD(name) d_list_t name = D_LIST_HEAD_INIT(name)

#define D_INIT_LIST_HEAD(ptr)                                                                      \
	do {                                                                                       \
		(ptr)->next = (ptr);                                                               \
		(ptr)->prev = (ptr);                                                               \
	} while (0)

#if defined(__cplusplus)
extern "C" {
#endif

/* Link newe between two nodes known to be adjacent. */
static inline void
d_list_link_between(d_list_t *newe, d_list_t *prev, d_list_t *next)
{
	newe->prev = prev;
	newe->next = next;
	prev->next = newe;
	next->prev = newe;
}

/* Make prev and next adjacent, dropping whatever sat between them. */
static inline void
d_list_join(d_list_t *prev, d_list_t *next)
{
	prev->next = next;
	next->prev = prev;
}

/* Insert newe right after head: a stack push. */
static inline void
d_list_add(d_list_t *newe, d_list_t *head)
{
	d_list_link_between(newe, head, head->next);
}

/* Insert newe right before head, i.e. at the end: a queue push. */
static inline void
d_list_add_tail(d_list_t *newe, d_list_t *head)
{
	d_list_link_between(newe, head->prev, head);
}

/* Unlink entry. Its own pointers are left stale: use d_list_del_init() if it may be tested. */
static inline void
d_list_del(d_list_t *entry)
{
	d_list_join(entry->prev, entry->next);
}

/* Unlink entry and make it an empty list, so d_list_empty(entry) is true afterwards. */
static inline void
d_list_del_init(d_list_t *entry)
{
	d_list_join(entry->prev, entry->next);
	D_INIT_LIST_HEAD(entry);
}

/* Move entry from its list to the front of head. */
static inline void
d_list_move(d_list_t *entry, d_list_t *head)
{
	d_list_join(entry->prev, entry->next);
	d_list_add(entry, head);
}

/* Move entry from its list to the end of head. */
static inline void
d_list_move_tail(d_list_t *entry, d_list_t *head)
{
	d_list_join(entry->prev, entry->next);
	d_list_add_tail(entry, head);
}

static inline int
d_list_empty(d_list_t *head)
{
	return head->next == head;
}

/*
 * Empty, checking both pointers: safe without a lock only when the sole concurrent change
 * possible is a d_list_del_init() of head itself.
 */
static inline int
d_list_empty_careful(const d_list_t *head)
{
	d_list_t *next = head->next;

	return next == head && head->prev == head;
}

/* Insert the nodes of the non-empty list between prev and next. */
static inline void
d_list_splice_between(d_list_t *list, d_list_t *prev, d_list_t *next)
{
	d_list_t *first = list->next;
	d_list_t *last  = list->prev;

	first->prev = prev;
	prev->next  = first;
	last->next  = next;
	next->prev  = last;
}

/* Move every node of list to the front of head; list itself is left stale. */
static inline void
d_list_splice(d_list_t *list, d_list_t *head)
{
	if (!d_list_empty(list))
		d_list_splice_between(list, head, head->next);
}

/* As d_list_splice(), and leave list empty and usable. */
static inline void
d_list_splice_init(d_list_t *list, d_list_t *head)
{
	if (!d_list_empty(list)) {
		d_list_splice_between(list, head, head->next);
		D_INIT_LIST_HEAD(list);
	}
}

#define d_list_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Unlink and return the first entry of list, or NULL when it is empty. */
#define d_list_pop_entry(list, type, member)                                                       \
	({                                                                                         \
		d_list_t *__d_first = (list)->next;                                                \
		type     *__d_ent   = NULL;                                                        \
                                                                                                   \
		if (__d_first != (list)) {                                                         \
			d_list_del_init(__d_first);                                                \
			__d_ent = d_list_entry(__d_first, type, member);                           \
		}                                                                                  \
		__d_ent;                                                                           \
	})

/* Walk the nodes; the body must not unlink pos. */
#define d_list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

#define d_list_for_each_prev(pos, head) for (pos = (head)->prev; pos != (head); pos = pos->prev)

/* Walk the nodes; the body may unlink pos because its successor is fetched first. */
#define d_list_for_each_safe(pos, n, head)                                                         \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)

/* The entry of type typeof(*pos) after/before pos. */
#define d_list_next_entry__(pos, member)                                                           \
	d_list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define d_list_prev_entry__(pos, member)                                                           \
	d_list_entry((pos)->member.prev, __typeof__(*(pos)), member)

/* Walk the entries; the body must not unlink pos. */
#define d_list_for_each_entry(pos, head, member)                                                   \
	for (pos = d_list_entry((head)->next, __typeof__(*pos), member); &pos->member != (head);   \
	     pos = d_list_next_entry__(pos, member))

#define d_list_for_each_entry_rcu(pos, head, member) d_list_for_each_entry(pos, head, member)

#define d_list_for_each_entry_reverse(pos, head, member)                                           \
	for (pos = d_list_entry((head)->prev, __typeof__(*pos), member); &pos->member != (head);   \
	     pos = d_list_prev_entry__(pos, member))

/* Walk the entries after pos (pos itself excluded). */
#define d_list_for_each_entry_continue(pos, head, member)                                          \
	for (pos = d_list_next_entry__(pos, member); &pos->member != (head);                      \
	     pos = d_list_next_entry__(pos, member))

/* Walk the entries; the body may unlink pos. */
#define d_list_for_each_entry_safe(pos, n, head, member)                                           \
	for (pos = d_list_entry((head)->next, __typeof__(*pos), member),                           \
	    n = d_list_next_entry__(pos, member);                                                  \
	     &pos->member != (head); pos = n, n = d_list_next_entry__(n, member))

#define d_list_for_each_entry_reverse_safe(pos, n, head, member)                                   \
	for (pos = d_list_entry((head)->prev, __typeof__(*pos), member),                           \
	    n = d_list_prev_entry__(pos, member);                                                  \
	     &pos->member != (head); pos = n, n = d_list_prev_entry__(n, member))

/* Walk the entries from pos (included) on; the body may unlink pos. */
#define d_list_for_each_entry_safe_from(pos, n, head, member)                                      \
	for (n = d_list_next_entry__(pos, member); &pos->member != (head);                        \
	     pos = n, n = d_list_next_entry__(n, member))

/* The _typed variants name the entry type rather than using __typeof__ (strict C++). */
#define d_list_for_each_entry_typed(pos, head, type, member)                                       \
	for (pos = d_list_entry((head)->next, type, member); &pos->member != (head);              \
	     pos = d_list_entry(pos->member.next, type, member))

#define d_list_for_each_entry_reverse_typed(pos, head, type, member)                               \
	for (pos = d_list_entry((head)->prev, type, member); &pos->member != (head);              \
	     pos = d_list_entry(pos->member.prev, type, member))

#define d_list_for_each_entry_safe_typed(pos, n, head, type, member)                               \
	for (pos = d_list_entry((head)->next, type, member),                                       \
	    n = d_list_entry(pos->member.next, type, member);                                      \
	     &pos->member != (head); pos = n, n = d_list_entry(n->member.next, type, member))

#define d_list_for_each_entry_safe_from_typed(pos, n, head, type, member)                          \
	for (n = d_list_entry(pos->member.next, type, member); &pos->member != (head);            \
	     pos = n, n = d_list_entry(n->member.next, type, member))

/*
 * hlist: pprev points at whichever pointer points at this node (the head's first or the
 * previous node's next), so a node unlinks itself without knowing whether it is first.
 */
typedef struct d_hlist_node {
	struct d_hlist_node *next, **pprev;
} d_hlist_node_t;

typedef struct d_hlist_head {
	d_hlist_node_t *first;
} d_hlist_head_t;

#define D_HLIST_HEAD_INIT      { NULL }
#define D_HLIST_HEAD(name)     d_hlist_head_t name = D_HLIST_HEAD_INIT
#define D_INIT_HLIST_HEAD(ptr) ((ptr)->first = NULL)
#define D_INIT_HLIST_NODE(ptr) ((ptr)->next = NULL, (ptr)->pprev = NULL)

/* True for a node that is on no list (initialized or removed with d_hlist_del_init()). */
static inline int
d_hlist_unhashed(const d_hlist_node_t *h)
{
	return h->pprev == NULL;
}

static inline int
d_hlist_empty(const d_hlist_head_t *h)
{
	return h->first == NULL;
}

/* Unlink n; its own pointers are left stale. */
static inline void
d_hlist_del(d_hlist_node_t *n)
{
	*n->pprev = n->next;
	if (n->next != NULL)
		n->next->pprev = n->pprev;
}

/* Unlink n if it is linked, and mark it unhashed. */
static inline void
d_hlist_del_init(d_hlist_node_t *n)
{
	if (d_hlist_unhashed(n))
		return;
	d_hlist_del(n);
	D_INIT_HLIST_NODE(n);
}

static inline void
d_hlist_add_head(d_hlist_node_t *n, d_hlist_head_t *h)
{
	n->next  = h->first;
	n->pprev = &h->first;
	if (h->first != NULL)
		h->first->pprev = &n->next;
	h->first = n;
}

/* Insert n in front of next, which must be linked. */
static inline void
d_hlist_add_before(d_hlist_node_t *n, d_hlist_node_t *next)
{
	n->pprev     = next->pprev;
	n->next      = next;
	*n->pprev    = n;
	next->pprev  = &n->next;
}

/* Insert n behind prev, which must be linked. */
static inline void
d_hlist_add_after(d_hlist_node_t *n, d_hlist_node_t *prev)
{
	n->next     = prev->next;
	n->pprev    = &prev->next;
	prev->next  = n;
	if (n->next != NULL)
		n->next->pprev = &n->next;
}

#define d_hlist_entry(ptr, type, member) d_list_entry(ptr, type, member)

#define dhlist_for_each(pos, head) for (pos = (head)->first; pos != NULL; pos = pos->next)

#define dhlist_for_each_safe(pos, n, head)                                                         \
	for (pos = (head)->first; pos != NULL && (n = pos->next, 1); pos = n)

/* pos walks the nodes and tpos their entries; tpos is stale once pos is NULL. */
#define dhlist_for_each_entry(tpos, pos, head, member)                                             \
	for (pos = (head)->first;                                                                  \
	     pos != NULL && (tpos = d_hlist_entry(pos, __typeof__(*tpos), member), 1);             \
	     pos = pos->next)

/* Walk the entries after pos (pos itself excluded). */
#define dhlist_for_each_entry_continue(tpos, pos, member)                                          \
	for (pos = (pos)->next;                                                                    \
	     pos != NULL && (tpos = d_hlist_entry(pos, __typeof__(*tpos), member), 1);             \
	     pos = pos->next)

/* Walk the entries from pos (included) on. */
#define dhlist_for_each_entry_from(tpos, pos, member)                                              \
	for (; pos != NULL && (tpos = d_hlist_entry(pos, __typeof__(*tpos), member), 1);           \
	     pos = pos->next)

/* Walk the entries; the body may unlink pos. */
#define dhlist_for_each_entry_safe(tpos, pos, n, head, member)                                     \
	for (pos = (head)->first;                                                                  \
	     pos != NULL && (n = pos->next, 1) &&                                                  \
	     (tpos = d_hlist_entry(pos, __typeof__(*tpos), member), 1);                            \
	     pos = n)

#define dhlist_for_each_entry_typed(tpos, pos, head, type, member)                                 \
	for (pos = (head)->first; pos != NULL && (tpos = d_hlist_entry(pos, type, member), 1);    \
	     pos = pos->next)

#define dhlist_for_each_entry_safe_typed(tpos, pos, n, head, type, member)                         \
	for (pos = (head)->first;                                                                  \
	     pos != NULL && (n = pos->next, 1) && (tpos = d_hlist_entry(pos, type, member), 1);    \
	     pos = n)

#if defined(__cplusplus)
}
#endif

#endif /* __GURT_LIST_H__ */
