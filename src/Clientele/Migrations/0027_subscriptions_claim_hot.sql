-- A renewal writes each subscription row twice: the claim marks the charge in flight, and recording the paid charge
-- clears the mark and advances the period. Both were non-HOT updates (a new entry in each of the table's ten
-- indexes), the claim's only because charge_in_flight sat in subscriptions_due's predicate. That index now keeps
-- every active, scheduled subscription by billing date, which is what subscriptions_notice already was: the two are
-- one index now, so every non-HOT update of a subscription writes nine index entries, not ten. The claim skips
-- subscriptions with a charge in flight as it reads them; those are few (the batches being charged, and charges
-- waiting for an unreachable processor's answer until the recovery pass settles them).
DROP INDEX subscriptions_due;
ALTER INDEX subscriptions_notice RENAME TO subscriptions_due;

-- Room on each page for a new row version, so an update that changes no indexed column (the claim, the renewal
-- notice's mark) can be HOT. Applies to pages written from now on. (When every row of a page is
-- claimed at once, as in bench/subscriptions where all are due at the same instant, the room is used up by the
-- first few: about one claim in ten was HOT there.)
ALTER TABLE subscriptions SET (fillfactor = 85);
