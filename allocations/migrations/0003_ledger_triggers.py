"""The ledger's invariants in PostgreSQL: balance rows kept by triggers, and the allocation rules.

- donors_receipt / needs_need inserts and edits keep one balance row each (allocations_receiptbalance,
  allocations_needbalance); their CHECK constraints (migration 0002) refuse allocating, covering or delivering
  more than there is — also when a receipt or a need is edited down below what was already allocated.
- An allocation row moves the counters with `UPDATE … SET allocated = allocated + n`: the row lock makes a
  concurrent writer wait and re-check the CHECK against the committed value, so two staff allocating the last
  money at once cannot both succeed, whichever code path writes the row.
- A BEFORE trigger refuses allocations that break an earmark (category, commune, age band, spend-by date), give
  goods of another category/size/age band, go to a need that is not fundable, or give the same child the same
  category twice in a season (the child row is locked, so concurrent attempts serialise).
Each refusal raises check_violation with a constraint name that allocations.services turns into a clear message.
"""

from django.db import migrations

BAND_SQL = """
CREATE OR REPLACE FUNCTION allocations_age_band(birth date, on_day date) RETURNS text AS $$
DECLARE years int := extract(year FROM age(on_day, birth))::int;
BEGIN
  RETURN CASE WHEN years <= 2 THEN '0-2' WHEN years <= 5 THEN '3-5' WHEN years <= 10 THEN '6-10'
              WHEN years <= 14 THEN '11-14' ELSE '15-17' END;
END $$ LANGUAGE plpgsql IMMUTABLE;
"""

SYNC_SQL = """
CREATE OR REPLACE FUNCTION allocations_receipt_balance_sync() RETURNS trigger AS $$
BEGIN
  INSERT INTO allocations_receiptbalance (receipt_id, received, received_quantity, allocated, allocated_quantity)
  VALUES (NEW.id, NEW.amount, NEW.quantity, 0, 0)
  ON CONFLICT (receipt_id) DO UPDATE
    SET received = EXCLUDED.received, received_quantity = EXCLUDED.received_quantity;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_receipt_balance_sync AFTER INSERT OR UPDATE OF amount, quantity ON donors_receipt
  FOR EACH ROW EXECUTE FUNCTION allocations_receipt_balance_sync();

CREATE OR REPLACE FUNCTION allocations_need_balance_sync() RETURNS trigger AS $$
BEGIN
  INSERT INTO allocations_needbalance
    (need_id, quantity, unit_cost, allocated_money, allocated_quantity, delivered_quantity)
  VALUES (NEW.id, NEW.quantity, NEW.unit_cost, 0, 0, 0)
  ON CONFLICT (need_id) DO UPDATE SET quantity = EXCLUDED.quantity, unit_cost = EXCLUDED.unit_cost;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_need_balance_sync AFTER INSERT OR UPDATE OF quantity, unit_cost ON needs_need
  FOR EACH ROW EXECUTE FUNCTION allocations_need_balance_sync();
"""

BACKFILL_SQL = """
INSERT INTO allocations_receiptbalance (receipt_id, received, received_quantity, allocated, allocated_quantity)
SELECT r.id, r.amount, r.quantity,
       COALESCE((SELECT SUM(a.amount) FROM allocations_allocation a WHERE a.receipt_id = r.id AND a.active), 0),
       COALESCE((SELECT SUM(a.quantity) FROM allocations_allocation a WHERE a.receipt_id = r.id AND a.active), 0)
FROM donors_receipt r ON CONFLICT DO NOTHING;

INSERT INTO allocations_needbalance
  (need_id, quantity, unit_cost, allocated_money, allocated_quantity, delivered_quantity)
SELECT n.id, n.quantity, n.unit_cost,
       COALESCE((SELECT SUM(a.amount) FROM allocations_allocation a
                 WHERE a.need_id = n.id AND a.active AND a.quantity IS NULL), 0),
       COALESCE((SELECT SUM(a.quantity) FROM allocations_allocation a WHERE a.need_id = n.id AND a.active), 0),
       COALESCE((SELECT SUM(d.quantity) FROM allocations_delivery d WHERE d.need_id = n.id), 0)
FROM needs_need n ON CONFLICT DO NOTHING;
"""

RULES_SQL = """
CREATE OR REPLACE FUNCTION allocations_refuse(rule text) RETURNS void AS $$
BEGIN
  RAISE EXCEPTION 'allocation refused: %', rule
    USING ERRCODE = 'check_violation', CONSTRAINT = rule, TABLE = 'allocations_allocation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocations_allocation_rules() RETURNS trigger AS $$
DECLARE
  today date := (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
  r donors_receipt%ROWTYPE;
  n needs_need%ROWTYPE;
  p donors_pledge%ROWTYPE;
  item donors_pledgeitem%ROWTYPE;
  birth date;
  band text;
BEGIN
  IF NOT NEW.active THEN RETURN NEW; END IF;
  IF TG_OP = 'UPDATE' AND OLD.active AND OLD.receipt_id = NEW.receipt_id AND OLD.need_id = NEW.need_id
     AND OLD.amount = NEW.amount AND OLD.quantity IS NOT DISTINCT FROM NEW.quantity THEN
    RETURN NEW;
  END IF;
  SELECT * INTO r FROM donors_receipt WHERE id = NEW.receipt_id;
  SELECT * INTO n FROM needs_need WHERE id = NEW.need_id;
  SELECT * INTO p FROM donors_pledge WHERE id = r.pledge_id;

  IF n.status NOT IN ('verified', 'open', 'partly_funded') THEN
    PERFORM allocations_refuse('allocation_need_fundable');
  END IF;
  IF (r.kind = 'goods') <> (NEW.quantity IS NOT NULL) THEN
    PERFORM allocations_refuse('allocation_units_only_for_goods');
  END IF;
  IF r.kind = 'goods' AND NEW.amount <> NEW.quantity * r.unit_value THEN
    PERFORM allocations_refuse('allocation_goods_at_receipt_value');
  END IF;
  IF p.spend_by IS NOT NULL AND today > p.spend_by THEN
    PERFORM allocations_refuse('allocation_earmark_deadline');
  END IF;
  IF jsonb_array_length(p.earmark_categories) > 0 AND NOT (p.earmark_categories ? n.category) THEN
    PERFORM allocations_refuse('allocation_earmark_category');
  END IF;
  IF EXISTS (SELECT 1 FROM donors_pledge_earmark_communes e WHERE e.pledge_id = p.id)
     AND NOT EXISTS (SELECT 1 FROM donors_pledge_earmark_communes e
                     WHERE e.pledge_id = p.id AND e.administrativeunit_id = n.commune_id) THEN
    PERFORM allocations_refuse('allocation_earmark_commune');
  END IF;
  IF n.child_id IS NOT NULL THEN
    -- Locking the child serialises concurrent allocations to the same child (duplicate rule below).
    SELECT c.birth_date INTO birth FROM needs_child c WHERE c.id = n.child_id FOR UPDATE;
    band := allocations_age_band(birth, today);
  END IF;
  IF jsonb_array_length(p.earmark_age_bands) > 0 AND (band IS NULL OR NOT (p.earmark_age_bands ? band)) THEN
    PERFORM allocations_refuse('allocation_earmark_age_band');
  END IF;
  IF r.kind = 'goods' THEN
    SELECT * INTO item FROM donors_pledgeitem WHERE id = r.item_id;
    IF item.category <> n.category THEN
      PERFORM allocations_refuse('allocation_item_category');
    END IF;
    IF item.clothing_size <> '' AND n.clothing_size <> '' AND item.clothing_size <> n.clothing_size THEN
      PERFORM allocations_refuse('allocation_item_size');
    END IF;
    IF item.age_band <> '' AND (band IS NULL OR item.age_band <> band) THEN
      PERFORM allocations_refuse('allocation_item_age_band');
    END IF;
  END IF;
  IF n.child_id IS NOT NULL AND n.duplicate_override_reason = '' AND EXISTS (
      SELECT 1 FROM allocations_allocation a JOIN needs_need m ON m.id = a.need_id
      WHERE a.active AND m.id <> n.id AND m.child_id = n.child_id AND m.category = n.category
        AND m.season = n.season AND m.duplicate_override_reason = '') THEN
    PERFORM allocations_refuse('allocation_child_once_per_category_season');
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_allocation_rules BEFORE INSERT OR UPDATE ON allocations_allocation
  FOR EACH ROW EXECUTE FUNCTION allocations_allocation_rules();

CREATE OR REPLACE FUNCTION allocations_allocation_counters() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.active THEN
    UPDATE allocations_receiptbalance
       SET allocated = allocated - OLD.amount, allocated_quantity = allocated_quantity - COALESCE(OLD.quantity, 0)
     WHERE receipt_id = OLD.receipt_id;
    UPDATE allocations_needbalance
       SET allocated_money = allocated_money - CASE WHEN OLD.quantity IS NULL THEN OLD.amount ELSE 0 END,
           allocated_quantity = allocated_quantity - COALESCE(OLD.quantity, 0)
     WHERE need_id = OLD.need_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.active THEN
    -- Receipt first, then need: the same order the services lock rows in, so writers never deadlock.
    UPDATE allocations_receiptbalance
       SET allocated = allocated + NEW.amount, allocated_quantity = allocated_quantity + COALESCE(NEW.quantity, 0)
     WHERE receipt_id = NEW.receipt_id;
    IF NOT FOUND THEN RAISE EXCEPTION 'no balance row for receipt %', NEW.receipt_id; END IF;
    UPDATE allocations_needbalance
       SET allocated_money = allocated_money + CASE WHEN NEW.quantity IS NULL THEN NEW.amount ELSE 0 END,
           allocated_quantity = allocated_quantity + COALESCE(NEW.quantity, 0)
     WHERE need_id = NEW.need_id;
    IF NOT FOUND THEN RAISE EXCEPTION 'no balance row for need %', NEW.need_id; END IF;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_allocation_counters AFTER INSERT OR UPDATE OR DELETE ON allocations_allocation
  FOR EACH ROW EXECUTE FUNCTION allocations_allocation_counters();

CREATE OR REPLACE FUNCTION allocations_delivery_counters() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE allocations_needbalance SET delivered_quantity = delivered_quantity - OLD.quantity
     WHERE need_id = OLD.need_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE allocations_needbalance SET delivered_quantity = delivered_quantity + NEW.quantity
     WHERE need_id = NEW.need_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_delivery_counters AFTER INSERT OR UPDATE OF quantity, need_id OR DELETE
  ON allocations_delivery FOR EACH ROW EXECUTE FUNCTION allocations_delivery_counters();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS allocations_delivery_counters ON allocations_delivery;
DROP TRIGGER IF EXISTS allocations_allocation_counters ON allocations_allocation;
DROP TRIGGER IF EXISTS allocations_allocation_rules ON allocations_allocation;
DROP TRIGGER IF EXISTS allocations_need_balance_sync ON needs_need;
DROP TRIGGER IF EXISTS allocations_receipt_balance_sync ON donors_receipt;
DROP FUNCTION IF EXISTS allocations_delivery_counters();
DROP FUNCTION IF EXISTS allocations_allocation_counters();
DROP FUNCTION IF EXISTS allocations_allocation_rules();
DROP FUNCTION IF EXISTS allocations_refuse(text);
DROP FUNCTION IF EXISTS allocations_need_balance_sync();
DROP FUNCTION IF EXISTS allocations_receipt_balance_sync();
DROP FUNCTION IF EXISTS allocations_age_band(date, date);
"""


def install(apps, schema_editor):
    # The newcomer's SQLite setup has no PL/pgSQL: there allocations.services keeps the balances itself.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: the "%" in RAISE stays as is
            cursor.execute(BAND_SQL + SYNC_SQL + BACKFILL_SQL + RULES_SQL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("allocations", "0002_ledger_balances_and_matching_runs")]

    operations = [migrations.RunPython(install, uninstall)]
