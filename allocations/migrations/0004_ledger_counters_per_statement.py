"""The ledger's counters move once per statement instead of once per allocation row.

A batch's allocations are inserted in one statement; the row-level trigger of 0003 then ran two UPDATEs per row,
one on the receipt's balance and one on the need's: 8 of the 38 s that accepting a 68,000-line provincial
matching plan took. These statement-level triggers read the statement's rows from its transition tables and
update each balance row once with the sum. Nothing else changes: row-level AFTER triggers also fired at the end
of the statement, so the balance CHECK constraints are checked at the same moment, against the same sums, and
the services still lock every balance row (in one global order) before writing. The allocation rules stay a row
trigger (0003).
"""

from django.db import migrations

STATEMENT_SQL = """
DROP TRIGGER IF EXISTS allocations_allocation_counters ON allocations_allocation;
DROP FUNCTION IF EXISTS allocations_allocation_counters();

CREATE OR REPLACE FUNCTION allocations_allocation_counters() RETURNS trigger AS $$
DECLARE
  expected int;
  found int;
BEGIN
  -- old_rows exists for UPDATE and DELETE, new_rows for INSERT and UPDATE; PL/pgSQL plans each branch only
  -- when it runs, so a branch never names a transition table its trigger does not have.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE allocations_receiptbalance b
       SET allocated = b.allocated - o.amount, allocated_quantity = b.allocated_quantity - o.quantity
      FROM (SELECT receipt_id, SUM(amount) AS amount, SUM(COALESCE(quantity, 0)) AS quantity
              FROM old_rows WHERE active GROUP BY receipt_id) o
     WHERE b.receipt_id = o.receipt_id;
    UPDATE allocations_needbalance b
       SET allocated_money = b.allocated_money - o.money, allocated_quantity = b.allocated_quantity - o.quantity
      FROM (SELECT need_id, SUM(CASE WHEN quantity IS NULL THEN amount ELSE 0 END) AS money,
                   SUM(COALESCE(quantity, 0)) AS quantity
              FROM old_rows WHERE active GROUP BY need_id) o
     WHERE b.need_id = o.need_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    -- Receipts first, then needs: the order the services lock rows in.
    SELECT COUNT(DISTINCT receipt_id) INTO expected FROM new_rows WHERE active;
    UPDATE allocations_receiptbalance b
       SET allocated = b.allocated + n.amount, allocated_quantity = b.allocated_quantity + n.quantity
      FROM (SELECT receipt_id, SUM(amount) AS amount, SUM(COALESCE(quantity, 0)) AS quantity
              FROM new_rows WHERE active GROUP BY receipt_id) n
     WHERE b.receipt_id = n.receipt_id;
    GET DIAGNOSTICS found = ROW_COUNT;
    IF found < expected THEN RAISE EXCEPTION 'no balance row for a receipt of this allocation'; END IF;
    SELECT COUNT(DISTINCT need_id) INTO expected FROM new_rows WHERE active;
    UPDATE allocations_needbalance b
       SET allocated_money = b.allocated_money + n.money, allocated_quantity = b.allocated_quantity + n.quantity
      FROM (SELECT need_id, SUM(CASE WHEN quantity IS NULL THEN amount ELSE 0 END) AS money,
                   SUM(COALESCE(quantity, 0)) AS quantity
              FROM new_rows WHERE active GROUP BY need_id) n
     WHERE b.need_id = n.need_id;
    GET DIAGNOSTICS found = ROW_COUNT;
    IF found < expected THEN RAISE EXCEPTION 'no balance row for a need of this allocation'; END IF;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_allocation_counters_insert AFTER INSERT ON allocations_allocation
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION allocations_allocation_counters();
CREATE TRIGGER allocations_allocation_counters_update AFTER UPDATE ON allocations_allocation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION allocations_allocation_counters();
CREATE TRIGGER allocations_allocation_counters_delete AFTER DELETE ON allocations_allocation
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION allocations_allocation_counters();
"""

ROW_SQL = """
DROP TRIGGER IF EXISTS allocations_allocation_counters_insert ON allocations_allocation;
DROP TRIGGER IF EXISTS allocations_allocation_counters_update ON allocations_allocation;
DROP TRIGGER IF EXISTS allocations_allocation_counters_delete ON allocations_allocation;
DROP FUNCTION IF EXISTS allocations_allocation_counters();

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
"""


def _run(sql):
    def run(apps, schema_editor):
        # SQLite (the newcomer's setup) has no triggers: there allocations.services keeps the balances itself.
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:  # no parameters: "%" in RAISE stays as is
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("allocations", "0003_ledger_triggers")]

    operations = [migrations.RunPython(_run(STATEMENT_SQL), _run(ROW_SQL))]
