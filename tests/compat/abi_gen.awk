# Turn an ABI list (daos_abi.list: what abi_extract.py lists, with or without
# the measured values) into a C program that prints the same list, measured
# with whatever headers it is compiled against. Functions are checked at
# compile time: each prototype is declared again and its address taken, so a
# missing or different declaration fails the build.
BEGIN {
	nfunc = 0
	print "#include <daos.h>"
	print "#include <stddef.h>"
	print "#include <stdio.h>"
	print "static void pstr(const char *n, const char *v) { printf(\"const %s = \\\"%s\\\"\\n\", n, v); }"
	print "static void pull(const char *n, unsigned long long v) { printf(\"const %s = %llu\\n\", n, v); }"
	print "static void pll(const char *n, long long v) { printf(\"const %s = %lld\\n\", n, v); }"
	print "#define PV(x) _Generic((x), char *: pstr, const char *: pstr, unsigned long long: pull, \\"
	print "                  unsigned long: pull, default: pll)(#x, x)"
	print "#define PS(t, s) printf(\"size %s = %zu\\n\", s, sizeof(t))"
	print "#define PO(t, m, s) printf(\"offset %s = %zu\\n\", s, offsetof(t, m))"
	print "#define XSTR(x) STR(x)"
	print "#define STR(x) #x"
	print "#define PR(f) printf(\"redirect %s = %s\\n\", #f, XSTR(f))"
	nbody = 0
}
/^#/ { next }
{
	sub(/ = .*$/, "")
}
$1 == "const" { body[nbody++] = "\tPV(" $2 ");" }
$1 == "size" {
	t = substr($0, 6)
	body[nbody++] = "\tPS(" t ", \"" t "\");"
}
$1 == "offset" {
	rest = substr($0, 8)
	split(rest, p, "|")
	body[nbody++] = "\tPO(" p[1] ", " p[2] ", \"" rest "\");"
}
$1 == "redirect" { body[nbody++] = "\tPR(" $2 ");" }
$1 == "func" {
	rest = substr($0, 6)
	n = index(rest, "|")
	name = substr(rest, 1, n - 1)
	proto = substr(rest, n + 1)
	protos[nfunc] = proto ";"
	uses[nfunc++] = "\t(void)sizeof(&" name ");"
	body[nbody++] = "\tprintf(\"func %s\\n\", \"" rest "\");"
}
END {
	# First use each function as our headers declare it (undeclared: an error),
	# then declare it again as DAOS does (declared differently: an error).
	print "void abi_uses(void);"
	print "void abi_uses(void) {"
	for (i = 0; i < nfunc; i++)
		print uses[i]
	print "}"
	for (i = 0; i < nfunc; i++)
		print protos[i]
	print "int main(void) {"
	for (i = 0; i < nbody; i++)
		print body[i]
	print "\treturn 0;"
	print "}"
}
