"""Notices: what the portal tells a person, in its inbox and by e-mail.

Recorded once: a notice is keyed on (recipient, event), so running anything twice tells
nobody twice (services.notice_create).

Sent one by one, each at most once, never under a lock (claims.py, the same for e-mail
and Zalo; mailing.py and zalo.py hand over). A notice's e-mail goes through three short
writes, each its own statement, around the relay call:

- claim: ``pending`` → ``sending`` with a claim id, a lease (15 minutes, longer than any
  send) and one attempt more. Whoever does not get the claim does not send;
- hand-over: the time the message goes to the relay, once the connection is open;
- outcome: ``sent``; or back to ``pending`` with the reason when the relay surely does not
  have it (no connection, a 4xx answer: the daily run tries again, five times at most);
  or ``failed`` with the reason (a bad address or header, refused before any relay call;
  a 5xx answer; no answer after the hand-over, so the relay may have it).

A Zalo message goes through the same writes, except that no answer after the hand-over
leaves it ``awaiting`` ZNS's delivery report (zalo.py, zalo_webhook.py): e-mail has no
reports, Zalo has. The hand-over write finds no claim when the row was settled or
reclaimed meanwhile, and then nothing is sent.

No transaction is open meanwhile, so on SQLite the portal's pages write while a relay is
slow. Once connected, the worker waits up to 10 minutes for the relay's answer (RFC 5321's
figure, not EMAIL_TIMEOUT's 20 s), since giving up on a relay that then delivers was how
a slow relay sent a notice twice.

A worker that dies (SIGKILL, out of memory, a restart) leaves its claim and its task:

- a claim past its lease without a hand-over is sent again: nothing reached the relay;
- a claim past its lease after the hand-over is recorded ``failed`` (“may have gone”),
  never resent by itself: an admin looks and resends (admin action). Exactly once where
  it can be known, and a person to decide the one case where it cannot;
- a task still RUNNING 20 minutes after it started goes back on the queue
  (tasks.tasks_reclaim: `manage.py reclaim_tasks` when the worker starts, and the daily
  `send_reminders`); every task is safe to run twice.

A figures event's task records all its notices first, then queues each e-mail as a task
of its own (tasks.py); the daily run sends each reminder, and retries each waiting e-mail,
on its own. One notice that fails is recorded on that notice (state, reason, attempts:
in the admin's list and filters, and in the recipient's inbox) and the others go on.

Addresses are checked where they come in (the user model's EmailField in the admin, the
address-change form and its link) and again by the sender, which records a failure instead
of writing a header it should not.
"""
