# Reads a segment of PostgreSQL's log (stderr format, log_line_prefix '%m [%p] %q%u@%d ') and prints each
# statement the given database ran, whole (continuation lines included), parameters left out, each after a
# "-- statement" line: how bench/portal/run.sh and bench/api/run.sh check that a floor sends the product's
# statements text for text. Usage: tail -c +N postgresql.log | python3 statements.py DB [statements-to-leave-out]
import re, sys
db = sys.argv[1]
record = re.compile(r"^\d{4}-\d\d-\d\d \S+ \S+ \[\d+\] ")
statement = re.compile(r"^\S+@" + re.escape(db) + r" LOG:  (?:execute [^:]*|statement): (.*)$")
# An optional file of statements to leave out (the server's background workers', seen in an idle window).
leave_out = set(open(sys.argv[2]).read().split("-- statement\n")) if len(sys.argv) > 2 else set()
current = None
def emit(lines):
    text = "\n".join(lines) + "\n"
    if text not in leave_out:
        print("-- statement\n" + text, end="")
for line in sys.stdin.read().splitlines():
    if record.match(line):
        if current is not None:
            emit(current)
            current = None
        m = statement.match(record.sub("", line, count=1))
        if m:
            current = [m.group(1)]
    elif current is not None:
        current.append(line)
if current is not None:
    emit(current)
