#!/usr/bin/env python3
"""The project's crediting transaction in raw SQL on its SQLite schema, one writer, for SECONDS,
spread over the residents' accounts: what POST /api/v1/points/adjustments writes, without HTTP,
auth, JSON or the idempotency record. Usage: ledger_sqlite.py credit DB SECONDS"""
import datetime, random, sqlite3, sys, time, uuid

op, db, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
assert op == "credit", "credit is the one operation"
c = sqlite3.connect(db, isolation_level=None)
for p in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "foreign_keys=ON"):
    c.execute(f"PRAGMA {p}")
community, pool = c.execute("SELECT community_id, id FROM accounts WHERE kind = 'community' LIMIT 1").fetchone()
accounts = [r[0] for r in c.execute("SELECT id FROM accounts WHERE kind = 'resident'")]
u = lambda: str(uuid.uuid4())

def credit(now, acct):
    c.execute("SELECT id, balance FROM accounts WHERE id = ?", (acct,)).fetchall()
    tid = u()
    c.execute("INSERT INTO ledger_transactions VALUES (?, ?, 'adjust', ?, NULL, 'raw', NULL, ?)", (tid, community, u(), now))
    ab = c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = ? RETURNING balance", (acct,)).fetchone()[0]
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', -1, NULL, ?)", (u(), community, tid, pool, now))
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', 1, ?, ?)", (u(), community, tid, acct, ab, now))
    c.execute("UPDATE point_lots SET amount = amount + 1, remaining = remaining + 1 WHERE account_id = ? AND expires_at IS NULL", (acct,))

n, end = 0, time.time() + seconds
while time.time() < end:
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    c.execute("BEGIN IMMEDIATE")
    credit(now, random.choice(accounts))
    c.execute("COMMIT")
    n += 1
print(f"{n / seconds:.1f}")
