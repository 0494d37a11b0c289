#!/usr/bin/env python3
"""One crediting ledger transaction in raw SQL on the project's SQLite schema, one writer, for
SECONDS: the baseline of the HTTP ledger benchmark. Usage: credit_sqlite.py DB SECONDS"""
import sqlite3, sys, time, uuid, datetime

db, seconds = sys.argv[1], float(sys.argv[2])
c = sqlite3.connect(db, isolation_level=None)
for p in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "foreign_keys=ON"):
    c.execute(f"PRAGMA {p}")
community, pool = c.execute("SELECT community_id, id FROM accounts WHERE kind = 'community' LIMIT 1").fetchone()
acct = c.execute("SELECT id FROM accounts WHERE kind = 'resident' ORDER BY balance DESC LIMIT 1").fetchone()[0]
n, end = 0, time.time() + seconds
while time.time() < end:
    now = datetime.datetime.utcnow().isoformat(sep=" ")
    c.execute("BEGIN IMMEDIATE")
    c.execute("SELECT id, balance FROM accounts WHERE id IN (?, ?) ORDER BY id", (pool, acct)).fetchall()
    tid = str(uuid.uuid4())
    c.execute("INSERT INTO ledger_transactions VALUES (?, ?, 'adjust', ?, NULL, 'raw', NULL, ?)", (tid, community, str(uuid.uuid4()), now))
    pb = c.execute("UPDATE accounts SET balance = balance - 1 WHERE id = ? RETURNING balance", (pool,)).fetchone()[0]
    ab = c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = ? RETURNING balance", (acct,)).fetchone()[0]
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', -1, ?, ?)", (str(uuid.uuid4()), community, tid, pool, pb, now))
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', 1, ?, ?)", (str(uuid.uuid4()), community, tid, acct, ab, now))
    c.execute("INSERT INTO point_lots VALUES (?, ?, ?, ?, 1, 1, NULL, ?)", (str(uuid.uuid4()), community, acct, tid, now))
    c.execute("COMMIT")
    n += 1
print(f"raw sqlite credits/s {n / seconds:.1f}")
