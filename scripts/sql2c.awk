# sql2c.awk: turn common/schema.sql into a C array of migrations.
# A line "-- version N" starts migration N; versions must run 1, 2, 3...
BEGIN {
	print "/* generated from common/schema.sql by scripts/sql2c.awk */"
	print "#include <stddef.h>"
	print "const char *const db_migrations[] = {"
	open_ = 0
}
/^-- version [0-9]+/ {
	if (open_) print ","
	open_ = 1
	printf "\"-- %s\\n\"\n", $3
	next
}
{
	if (!open_) next
	line = $0
	gsub(/\\/, "\\\\", line)
	gsub(/"/, "\\\"", line)
	printf "\"%s\\n\"\n", line
}
END {
	if (open_) print ","
	print "NULL };"
}
