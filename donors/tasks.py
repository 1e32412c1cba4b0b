from celery import shared_task

from donors.services import pledge_lapse_overdue


@shared_task
def lapse_overdue_pledges() -> int:
    """Daily: pledges whose receive-by date passed with nothing received become `lapsed` (with an event)."""
    return len(pledge_lapse_overdue())


@shared_task(acks_late=True)
def import_statement(statement_id: int) -> int | None:
    """Import one queued bank statement (donors.statements.services.statement_import_run claims it first)."""
    from donors.statements.services import statement_import_run

    statement = statement_import_run(statement_id=statement_id)
    return statement.pk if statement else None
