"""A cancelled receipt has received nothing, in the ledger too.

The balance row of a receipt follows its cancellation: `received` drops to 0, so the CHECK of migration 0002
(allocated ≤ received) refuses to cancel a receipt whose money is still allocated, and refuses any allocation from
a cancelled one, whatever code path writes and however many people do it at once. Correcting an amount already
moved `received` (the trigger fires on amount) and the same CHECK refuses shrinking it below what is allocated.
"""

from django.db import migrations

CANCELLED_SQL = """
CREATE OR REPLACE FUNCTION allocations_receipt_balance_sync() RETURNS trigger AS $$
DECLARE
  counted boolean := NEW.cancelled_at IS NULL;
BEGIN
  INSERT INTO allocations_receiptbalance (receipt_id, received, received_quantity, allocated, allocated_quantity)
  VALUES (NEW.id, CASE WHEN counted THEN NEW.amount ELSE 0 END,
          CASE WHEN counted OR NEW.quantity IS NULL THEN NEW.quantity ELSE 0 END, 0, 0)
  ON CONFLICT (receipt_id) DO UPDATE
    SET received = EXCLUDED.received, received_quantity = EXCLUDED.received_quantity;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS allocations_receipt_balance_sync ON donors_receipt;
CREATE TRIGGER allocations_receipt_balance_sync AFTER INSERT OR UPDATE OF amount, quantity, cancelled_at
  ON donors_receipt FOR EACH ROW EXECUTE FUNCTION allocations_receipt_balance_sync();
"""

PREVIOUS_SQL = """
CREATE OR REPLACE FUNCTION allocations_receipt_balance_sync() RETURNS trigger AS $$
BEGIN
  INSERT INTO allocations_receiptbalance (receipt_id, received, received_quantity, allocated, allocated_quantity)
  VALUES (NEW.id, NEW.amount, NEW.quantity, 0, 0)
  ON CONFLICT (receipt_id) DO UPDATE
    SET received = EXCLUDED.received, received_quantity = EXCLUDED.received_quantity;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS allocations_receipt_balance_sync ON donors_receipt;
CREATE TRIGGER allocations_receipt_balance_sync AFTER INSERT OR UPDATE OF amount, quantity ON donors_receipt
  FOR EACH ROW EXECUTE FUNCTION allocations_receipt_balance_sync();
"""


def _run(sql):
    def run(apps, schema_editor):
        # SQLite (the newcomer's setup) has no triggers: there allocations.apps keeps the balance in step.
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0006_text_in_nfc"),
        ("donors", "0003_receipt_cancellation"),
    ]

    operations = [
        migrations.RunPython(_run(CANCELLED_SQL), _run(PREVIOUS_SQL)),
    ]
