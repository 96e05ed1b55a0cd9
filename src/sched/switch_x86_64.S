/*
 * Context switch for ULTs on x86-64 (System V ABI).
 *
 * void sched_ctx_switch(void **save_sp, void *load_sp)
 *   Pushes the callee-saved registers (rbp, rbx, r12-r15) and the SSE/x87
 *   control words on the current stack, stores the stack pointer in
 *   *save_sp, switches to load_sp and pops the same frame from there.
 *   Everything else is caller-saved, so the C caller has already saved it.
 *   No system call: this is what makes a yield cost tens of nanoseconds.
 *
 * A new ULT's stack is prepared by sched.c with that same frame: r12 holds
 * the argument, r13 the entry function, and the return address is
 * sched_ctx_start, which calls entry(arg). The entry never returns.
 */
	.text
	.globl	sched_ctx_switch
	.type	sched_ctx_switch, @function
sched_ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	sched_ctx_switch, .-sched_ctx_switch

	.globl	sched_ctx_start
	.type	sched_ctx_start, @function
sched_ctx_start:
	movq	%r12, %rdi
	callq	*%r13
	ud2
	.size	sched_ctx_start, .-sched_ctx_start

	.section .note.GNU-stack,"",@progbits
