#!/usr/bin/env python3
"""Raw-SQL baselines on the project's SQLite schema, one writer, for SECONDS: a crediting
transaction (`credit`) or a redemption (`redeem`), as the HTTP benchmark's operations write them.
Usage: ledger_sqlite.py credit|redeem DB SECONDS"""
import sqlite3, sys, time, uuid, datetime

op, db, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
c = sqlite3.connect(db, isolation_level=None)
for p in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "foreign_keys=ON"):
    c.execute(f"PRAGMA {p}")
community, pool = c.execute("SELECT community_id, id FROM accounts WHERE kind = 'community' LIMIT 1").fetchone()
acct, holder = c.execute("SELECT id, owner_id FROM accounts WHERE kind = 'resident' ORDER BY balance DESC LIMIT 1").fetchone()
offer = c.execute("SELECT id FROM offers WHERE title = 'bench' LIMIT 1").fetchone()
u = lambda: str(uuid.uuid4())

def credit(now):
    c.execute("SELECT id, balance FROM accounts WHERE id IN (?, ?) ORDER BY id", (pool, acct)).fetchall()
    tid = u()
    c.execute("INSERT INTO ledger_transactions VALUES (?, ?, 'adjust', ?, NULL, 'raw', NULL, ?)", (tid, community, u(), now))
    pb = c.execute("UPDATE accounts SET balance = balance - 1 WHERE id = ? RETURNING balance", (pool,)).fetchone()[0]
    ab = c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = ? RETURNING balance", (acct,)).fetchone()[0]
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', -1, ?, ?)", (u(), community, tid, pool, pb, now))
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'adjust', 1, ?, ?)", (u(), community, tid, acct, ab, now))
    c.execute("UPDATE point_lots SET amount = amount + 1, remaining = remaining + 1 WHERE account_id = ? AND expires_at IS NULL", (acct,))

def redeem(now):
    c.execute("SELECT stock_left, per_user_limit, points_cost FROM offers WHERE id = ?", (offer[0],)).fetchone()
    c.execute("SELECT count(*) FROM vouchers WHERE offer_id = ? AND holder_id = ? AND status IN ('issued','used','expired')", (offer[0], holder)).fetchone()
    c.execute("SELECT id, balance FROM accounts WHERE id IN (?, ?) ORDER BY id", (pool, acct)).fetchall()
    tid = u()
    c.execute("INSERT INTO ledger_transactions VALUES (?, ?, 'redeem', ?, NULL, 'raw', NULL, ?)", (tid, community, u(), now))
    ab = c.execute("UPDATE accounts SET balance = balance - 1 WHERE id = ? RETURNING balance", (acct,)).fetchone()[0]
    pb = c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = ? RETURNING balance", (pool,)).fetchone()[0]
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'redeem', -1, ?, ?)", (u(), community, tid, acct, ab, now))
    c.execute("INSERT INTO postings VALUES (?, ?, ?, ?, 'redeem', 1, ?, ?)", (u(), community, tid, pool, pb, now))
    c.execute("UPDATE point_lots SET remaining = remaining - 1 WHERE id = (SELECT id FROM point_lots WHERE account_id = ? AND remaining > 0 ORDER BY expires_at IS NULL, expires_at, id LIMIT 1)", (acct,))
    c.execute("UPDATE offers SET stock_left = stock_left - 1 WHERE id = ? AND stock_left > 0", (offer[0],))
    c.execute("INSERT INTO vouchers (id, community_id, offer_id, merchant_id, holder_id, code, status, points_cost, redeem_transaction_id, issued_at, expires_at) "
              "VALUES (?, ?, ?, NULL, ?, ?, 'issued', 1, ?, ?, ?)", (u(), community, offer[0], holder, u(), tid, now, now))

step = {"credit": credit, "redeem": redeem}[op]
n, end = 0, time.time() + seconds
while time.time() < end:
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    c.execute("BEGIN IMMEDIATE")
    step(now)
    c.execute("COMMIT")
    n += 1
print(f"raw sqlite {op}s/s {n / seconds:.1f}")
